import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A downtime envelope: one reserved slot of a stratum's list, for an allocation made on paper
 * while the service cannot be reached. No target here (the slot's sealed target is the
 * envelope's) and no opening code, only its SHA-256 (opening-code.ts). Outstanding while neither
 * used_at nor voided_at is set; triggers keep what it is fixed and a use or void final.
 */
@Entity('downtime_envelopes')
@Index('downtime_envelopes_stratum', ['listId', 'stratum', 'number'])
export class DowntimeEnvelopeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  /** 1, 2, 3...: the number printed on the outside (ENV-0001). */
  @Column({ type: 'integer', unique: true })
  number!: number;

  @Column({ name: 'list_id', type: 'integer' })
  listId!: number;

  @Column({ name: 'slot_id', type: 'integer', unique: true })
  slotId!: number;

  @Column({ type: 'varchar', length: 200 })
  stratum!: string;

  @Column({ name: 'issued_at', type: 'varchar', length: 30 })
  issuedAt!: string;

  @Column({ name: 'issued_by', type: 'varchar', length: 64 })
  issuedBy!: string;

  @Column({ name: 'code_hash', type: 'varchar', length: 64, nullable: true })
  codeHash!: string | null;

  @Column({ name: 'printed_at', type: 'varchar', length: 30, nullable: true })
  printedAt!: string | null;

  @Column({ name: 'printed_by', type: 'varchar', length: 64, nullable: true })
  printedBy!: string | null;

  @Column({ name: 'print_count', type: 'integer', default: 0 })
  printCount!: number;

  @Column({ name: 'participant_id', type: 'varchar', length: 64, nullable: true, unique: true })
  participantId!: string | null;

  @Column({ name: 'opened_at', type: 'varchar', length: 30, nullable: true })
  openedAt!: string | null;

  @Column({ name: 'used_at', type: 'varchar', length: 30, nullable: true })
  usedAt!: string | null;

  @Column({ name: 'used_by', type: 'varchar', length: 64, nullable: true })
  usedBy!: string | null;

  @Column({ name: 'voided_at', type: 'varchar', length: 30, nullable: true })
  voidedAt!: string | null;
}
