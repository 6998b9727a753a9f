import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A registered participant. Holds no target: the allocation lives in the sealed slot that names
 * this participant. The seal columns record an emergency unblinding (who, when, why), never what.
 */
@Entity('participants')
export class ParticipantEntity {
  @PrimaryColumn({ name: 'participant_id', type: 'varchar', length: 64 })
  participantId!: string;

  /** 1, 2, 3...: the number in the participant id, in order of registration. */
  @Column({ type: 'integer', unique: true })
  number!: number;

  @Column({ name: 'screening_number', type: 'varchar', length: 64, unique: true })
  screeningNumber!: string;

  @Column({ type: 'integer' })
  age!: number;

  @Column({ type: 'varchar', length: 200 })
  stratum!: string;

  /** Canonical JSON of the eligibility answers, as registered. */
  @Column({ type: 'text' })
  eligibility!: string;

  @Column({ name: 'registered_at', type: 'varchar', length: 30 })
  registeredAt!: string;

  @Column({ name: 'registered_by', type: 'varchar', length: 64 })
  registeredBy!: string;

  @Column({ name: 'allocated_at', type: 'varchar', length: 30, nullable: true })
  allocatedAt!: string | null;

  @Column({ name: 'allocated_by', type: 'varchar', length: 64, nullable: true })
  allocatedBy!: string | null;

  @Column({ name: 'unblinded_at', type: 'varchar', length: 30, nullable: true })
  unblindedAt!: string | null;

  @Column({ name: 'unblinded_by', type: 'varchar', length: 64, nullable: true })
  unblindedBy!: string | null;

  @Column({ name: 'unblinding_reason', type: 'text', nullable: true })
  unblindingReason!: string | null;

  /** A withdrawal (who, when, why): the allocation stands, no slot is freed. */
  @Column({ name: 'withdrawn_at', type: 'varchar', length: 30, nullable: true })
  withdrawnAt!: string | null;

  @Column({ name: 'withdrawn_by', type: 'varchar', length: 64, nullable: true })
  withdrawnBy!: string | null;

  @Column({ name: 'withdrawal_reason', type: 'text', nullable: true })
  withdrawalReason!: string | null;
}
