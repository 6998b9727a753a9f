import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ApiTargetProperty } from '../../common/openapi';
import { DONT_KNOW } from '../blinding-index';
import { GUESSER_GROUPS, GuesserGroup } from '../blinding-guess.entity';

export class RecordGuessDto {
  @ApiProperty({
    enum: GUESSER_GROUPS,
    description:
      'PARTICIPANT: the participant’s own guess, asked and entered by you; ASSESSOR: your own guess as an outcome assessor',
  })
  @IsIn(GUESSER_GROUPS, { message: `guesser must be one of ${GUESSER_GROUPS.join(', ')}` })
  guesser!: GuesserGroup;

  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    example: DONT_KNOW,
    description: `Which target the participant got (for NCT02286011: which leg got the cells): one of the trial’s target ids (GET /api/trial, targets), or ${DONT_KNOW}`,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  guess!: string;
}

/**
 * The answer to a recorded guess. It does not repeat the guess: a blinded caller's answer names
 * no target (the screen knows what it sent), and the value is kept for the statistician.
 */
export class RecordedGuessDto {
  @ApiProperty() participantId!: string;
  @ApiProperty({ enum: GUESSER_GROUPS }) guesserGroup!: GuesserGroup;
  @ApiProperty({
    description: 'The assessor’s username, or the participant’s id for the participant’s own guess',
  })
  guesser!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty() recordedBy!: string;
}

export class ConfidenceIntervalDto {
  @ApiProperty({ minimum: -1, maximum: 1 }) lower!: number;
  @ApiProperty({ minimum: -1, maximum: 1 }) upper!: number;
}

export const NOT_ESTIMABLE = ['NO_GUESSES', 'ZERO_VARIANCE'] as const;

export class ArmIndexDto {
  @ApiTargetProperty({
    description:
      'The arm: the target the participants of this row got (for NCT02286011: the leg that got the cells)',
  })
  arm!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Guesses that named this arm' })
  correct!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Guesses that named another target' })
  incorrect!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Guesses of DONT_KNOW' })
  dontKnow!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) n!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: -1,
    maximum: 1,
    description: 'Bang’s blinding index (correct − incorrect) / n; null when n = 0',
  })
  index!: number | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0 })
  standardError!: number | null;
  @ApiProperty({
    type: ConfidenceIntervalDto,
    nullable: true,
    description:
      'Wald 95% interval bounded to [-1, 1]; null when not estimable (no guess, or every guess in one category)',
  })
  ci95!: ConfidenceIntervalDto | null;
  @ApiProperty({
    enum: NOT_ESTIMABLE,
    nullable: true,
    description:
      'NO_GUESSES: no guess in this arm; ZERO_VARIANCE: every guess in one category, so the Wald interval would be a point',
  })
  notEstimable!: (typeof NOT_ESTIMABLE)[number] | null;
}

export class GuesserGroupIndexDto {
  @ApiProperty({ enum: GUESSER_GROUPS }) group!: GuesserGroup;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Guesses recorded in this group' })
  guesses!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Distinct guessers (participants, or assessors)',
  })
  guessers!: number;
  @ApiProperty({ type: [ArmIndexDto], description: 'One row per arm, in the trial file’s order' })
  arms!: ArmIndexDto[];
}

export class BlindingAssessmentDto {
  @ApiProperty() protocolId!: string;
  @ApiProperty() lockedAt!: string;
  @ApiProperty({ example: 'Bang, Ni & Davis 2004, per arm; Wald 95% interval' })
  method!: string;
  @ApiProperty({ type: [GuesserGroupIndexDto] }) groups!: GuesserGroupIndexDto[];
}
