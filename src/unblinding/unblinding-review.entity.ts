import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const REVIEW_DECISIONS = ['ACKNOWLEDGED', 'CONCERNS_RAISED'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** A second person's after-the-fact review of an emergency unblinding, signed with a password. */
@Entity('unblinding_reviews')
export class UnblindingReviewEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'participant_id', type: 'varchar', length: 64, unique: true })
  participantId!: string;

  @Column({ type: 'varchar', length: 16 })
  decision!: ReviewDecision;

  @Column({ type: 'text' })
  comment!: string;

  @Column({ name: 'reviewed_by', type: 'varchar', length: 64 })
  reviewedBy!: string;

  @Column({ name: 'reviewed_at', type: 'varchar', length: 30 })
  reviewedAt!: string;
}
