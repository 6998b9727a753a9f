import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The outbox: a notice written in the same transaction as the event it reports, then delivered
 * by NotificationWorker with retries, so a crash between the two loses nothing.
 */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'participant_id', type: 'varchar', length: 64, nullable: true })
  participantId!: string | null;

  @Column({ type: 'varchar', length: 500 })
  recipient!: string;

  /** The JSON body to deliver; never a target. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'varchar', length: 30 })
  nextAttemptAt!: string;

  /** A worker holds the row until then, so two processes never deliver the same notice at once. */
  @Column({ name: 'lease_until', type: 'varchar', length: 30, nullable: true })
  leaseUntil!: string | null;

  @Column({ name: 'delivered_at', type: 'varchar', length: 30, nullable: true })
  deliveredAt!: string | null;

  @Column({ name: 'failed_at', type: 'varchar', length: 30, nullable: true })
  failedAt!: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
