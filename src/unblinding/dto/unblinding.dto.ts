import { ApiProperty, OmitType } from '@nestjs/swagger';
import { ApiTargetProperty } from '../../common/openapi';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { AuditAction } from '../../audit/audit-actions';
import { REVIEW_DECISIONS, ReviewDecision } from '../unblinding-review.entity';

export class UnblindingRequestDto {
  @ApiProperty({
    minLength: 10,
    maxLength: 2000,
    description:
      'Why the treating physician must know, read by every role: never name a limb or a side here.',
    example: 'Serious adverse event; the treating physician must know the allocation',
  })
  @IsString()
  @MinLength(10, { message: 'reason must have at least 10 characters' })
  @MaxLength(2000)
  reason!: string;

  @ApiProperty({
    description: 'Your current password: the electronic signature of this unblinding',
    maxLength: 256,
  })
  @IsString()
  @MinLength(1, { message: 'password is required to sign the unblinding' })
  @MaxLength(256)
  password!: string;
}

export class UnblindingDto {
  @ApiProperty() participantId!: string;
  @ApiTargetProperty({ description: 'The limb that received the cells' }) cellLimb!: string;
  @ApiTargetProperty({
    nullable: true,
    type: String,
    description: 'The limb that received saline (null in designs with more than two targets)',
  })
  salineLimb!: string | null;
  @ApiProperty() unblindedAt!: string;
  @ApiProperty() unblindedBy!: string;
  @ApiProperty() reason!: string;
}

export class UnblindingReviewRequestDto {
  @ApiProperty({ enum: REVIEW_DECISIONS })
  @IsIn(REVIEW_DECISIONS, { message: `decision must be one of ${REVIEW_DECISIONS.join(', ')}` })
  decision!: ReviewDecision;

  @ApiProperty({ minLength: 1, maxLength: 4000 })
  @IsString()
  @MinLength(1, { message: 'comment is required' })
  @MaxLength(4000)
  comment!: string;

  @ApiProperty({
    description: 'Your current password: the electronic signature of this review',
    maxLength: 256,
  })
  @IsString()
  @MinLength(1, { message: 'password is required to sign the review' })
  @MaxLength(256)
  password!: string;
}

export class UnblindingReviewDto {
  @ApiProperty() participantId!: string;
  @ApiProperty({ enum: REVIEW_DECISIONS }) decision!: ReviewDecision;
  @ApiProperty() comment!: string;
  @ApiProperty() reviewedBy!: string;
  @ApiProperty() reviewedAt!: string;
}

export class UnblindingSummaryDto {
  @ApiProperty() participantId!: string;
  @ApiProperty() unblindedAt!: string;
  @ApiProperty() unblindedBy!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['PENDING', ...REVIEW_DECISIONS] }) reviewState!: 'PENDING' | ReviewDecision;
  @ApiProperty({ type: UnblindingReviewDto, nullable: true })
  review!: UnblindingReviewDto | null;
  @ApiProperty({
    enum: ['NOT_CONFIGURED', 'PENDING', 'DELIVERED', 'FAILED'],
    description:
      'The unblinding’s notices taken together (webhook and one per email address): FAILED as soon as one gave up, DELIVERED when every one arrived',
  })
  notification!: 'NOT_CONFIGURED' | 'PENDING' | 'DELIVERED' | 'FAILED';
}

/** The audited actions that show a person a participant's allocation: the register's `how`. */
export const EXPOSING_ACTIONS = [
  'ALLOCATED',
  'ALLOCATION_VIEWED',
  'PREPARATION_SHEET_VIEWED',
  'UNBLINDED',
  // The printer of a downtime envelope saw its target before anyone was allocated from it.
  'ENVELOPE_PRINTED',
] as const satisfies readonly AuditAction[];
export type ExposingAction = (typeof EXPOSING_ACTIONS)[number];

export class ExposureDto {
  @ApiProperty() username!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({
    enum: EXPOSING_ACTIONS,
    example: 'ALLOCATED',
    description: 'How: the audit action that exposed the allocation to this person',
  })
  how!: ExposingAction;
  @ApiProperty() at!: string;
  @ApiProperty({ type: 'integer', description: 'The audit entry that records it' })
  auditSeq!: number;
}

export class BlindingRegisterEntryDto {
  @ApiProperty() participantId!: string;
  @ApiProperty({ type: [ExposureDto] }) exposures!: ExposureDto[];
}

/** An exposure of every participant at once: the final export of the whole list. */
export class FullListExportDto extends OmitType(ExposureDto, ['how'] as const) {}

/** Who held a downtime envelope's contents: each printing, and the recording of its use. */
export class EnvelopeHoldingDto {
  @ApiProperty({ example: 'ENV-0001' }) envelopeNumber!: string;
  @ApiProperty() stratum!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Who it was used for, if anyone' })
  participantId!: string | null;
  @ApiProperty({
    type: [ExposureDto],
    description: 'ENVELOPE_PRINTED for each printing, ALLOCATED for the offline allocation',
  })
  holders!: ExposureDto[];
}

export class BlindingRegisterDto {
  @ApiProperty({ type: [BlindingRegisterEntryDto] }) participants!: BlindingRegisterEntryDto[];
  @ApiProperty({
    type: [EnvelopeHoldingDto],
    description: 'Downtime envelopes, by number: who printed each and who recorded its use',
  })
  envelopes!: EnvelopeHoldingDto[];
  @ApiProperty({
    type: [FullListExportDto],
    description: 'Final exports of the whole list after lock: each exposes every participant',
  })
  fullListExports!: FullListExportDto[];
}
