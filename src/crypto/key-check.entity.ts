import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Check values of the keys this database was first used with, so a wrong key stops the start. */
@Entity('key_checks')
export class KeyCheckEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  purpose!: string;

  @Column({ name: 'key_version', type: 'integer' })
  keyVersion!: number;

  @Column({ name: 'check_value', type: 'varchar', length: 64 })
  checkValue!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
