import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row of the chained audit log. Append-only: database triggers refuse UPDATE and DELETE. */
@Entity('audit_entries')
export class AuditEntryEntity {
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Index()
  @Column({ type: 'varchar', length: 30 })
  at!: string;

  @Index()
  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  /** Canonical JSON array of role names. */
  @Column({ type: 'varchar', length: 200 })
  roles!: string;

  @Index()
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Index()
  @Column({ name: 'participant_id', type: 'varchar', length: 64, nullable: true })
  participantId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** Canonical JSON object. */
  @Column({ type: 'text' })
  details!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
