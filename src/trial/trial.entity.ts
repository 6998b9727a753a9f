import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The trial this database serves: created from its file at first start, then locked at the end. */
@Entity('trials')
export class TrialEntity {
  @PrimaryColumn({ name: 'protocol_id', type: 'varchar', length: 64 })
  protocolId!: string;

  /** SHA-256 of the canonical JSON of the trial definition at first start. */
  @Column({ name: 'definition_hash', type: 'varchar', length: 64 })
  definitionHash!: string;

  /** Random id of this installation, also in DATA_DIR/installation.json (null before set-up wrote it). */
  @Column({ name: 'installation_id', type: 'varchar', length: 36, nullable: true })
  installationId!: string | null;

  /** Set at set-up from TRAINING and never changed (a trigger refuses it): a practice database. */
  @Column({ name: 'training', type: 'boolean', default: false })
  training!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'locked_at', type: 'varchar', length: 30, nullable: true })
  lockedAt!: string | null;

  @Column({ name: 'locked_by', type: 'varchar', length: 64, nullable: true })
  lockedBy!: string | null;

  @Column({ name: 'lock_reason', type: 'text', nullable: true })
  lockReason!: string | null;
}
