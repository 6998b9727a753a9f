import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who guessed: the participant themselves, or an outcome assessor. */
export const GUESSER_GROUPS = ['PARTICIPANT', 'ASSESSOR'] as const;
export type GuesserGroup = (typeof GUESSER_GROUPS)[number];

/**
 * One guess of which target a participant got (for NCT02286011: which leg got the cells), or
 * DONT_KNOW. Append-only (database triggers): never changed, never deleted, except by the reset
 * of a practice instance. `guesser` is the assessor's username, or the participant's id for the
 * participant's own guess, so that (participant, group, guesser) is unique: one guess each.
 */
@Entity('blinding_guesses')
export class BlindingGuessEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'participant_id', type: 'varchar', length: 64 })
  participantId!: string;

  @Column({ name: 'guesser_group', type: 'varchar', length: 16 })
  guesserGroup!: GuesserGroup;

  @Column({ type: 'varchar', length: 64 })
  guesser!: string;

  @Column({ type: 'varchar', length: 64 })
  guess!: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: 30 })
  recordedAt!: string;

  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy!: string;

  /**
   * 32 random bytes (hex), hashed with the row into its audit entry's `recordSha256` so that the
   * hash cannot be matched by trying the three answers; never leaves the database. Null for a row
   * recorded before the salt existed (hashed without one).
   */
  @Column({ name: 'record_salt', type: 'varchar', length: 64, nullable: true })
  recordSalt!: string | null;
}
