import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An Idempotency-Key seen on an allocation request. It stores who used it for which participant,
 * never the answer: a retry re-reads the sealed slot, so no limb is ever kept in clear.
 */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  key!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ name: 'participant_id', type: 'varchar', length: 64 })
  participantId!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
