import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AllocationDto } from '../../allocation/dto/allocation.dto';
import { ApiTargetProperty } from '../../common/openapi';
import { ENVELOPE_LABEL, OPENING_CODE_INPUT } from '../opening-code';

/** At most this many envelopes per stratum in one issue: a few days' recruitment, not the list. */
export const MAX_ENVELOPES_PER_STRATUM = 10;

export class IssueEnvelopesDto {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_ENVELOPES_PER_STRATUM,
    example: 2,
    description: 'How many envelopes to issue for each stratum: its next free slots, reserved',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_ENVELOPES_PER_STRATUM)
  perStratum!: number;
}

export const ENVELOPE_STATUSES = ['OUTSTANDING', 'USED', 'VOIDED'] as const;
export type EnvelopeStatus = (typeof ENVELOPE_STATUSES)[number];

/** An envelope, blinded: what is on its outside and where it stands; never its target or slot. */
export class EnvelopeDto {
  @ApiProperty({ example: 'ENV-0001', description: 'The number printed on the outside' })
  envelopeNumber!: string;
  @ApiProperty({ example: 'all' }) stratum!: string;
  @ApiProperty({ enum: ENVELOPE_STATUSES }) status!: EnvelopeStatus;
  @ApiProperty() issuedAt!: string;
  @ApiProperty() issuedBy!: string;
  @ApiProperty({
    type: 'integer',
    description: 'How often it was printed (each printing a new code)',
  })
  printCount!: number;
  @ApiProperty({ type: String, nullable: true }) printedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) printedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who it was used for' })
  participantId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When it was opened, as recorded' })
  openedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the use was recorded' })
  usedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) usedBy!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When it was voided: on its own (lost, damaged) or at the study lock',
  })
  voidedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Who voided it (the admin who locked the study, for an envelope voided at the lock)',
  })
  voidedBy!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it was voided, as its audit entry says',
  })
  voidReason!: string | null;
}

export class EnvelopeListDto {
  @ApiProperty({ type: [EnvelopeDto] }) envelopes!: EnvelopeDto[];
}

/** How long a reason for voiding one envelope may be. */
export const VOID_REASON_MAX_LENGTH = 500;

export class VoidEnvelopeDto {
  @ApiProperty({
    minLength: 1,
    maxLength: VOID_REASON_MAX_LENGTH,
    pattern: '\\S',
    example: 'Seal found broken during the weekly check of the pharmacy box',
    description:
      'Why the envelope is voided (lost, damaged, seal broken...), read by every role in the audit log: never name a limb or a side here.',
  })
  @IsString()
  @MaxLength(VOID_REASON_MAX_LENGTH)
  @Matches(/\S/, { message: 'reason must say why the envelope is voided' })
  reason!: string;
}

/** The answer to voiding one envelope: which, when, by whom and why; never its target or slot. */
export class VoidedEnvelopeDto {
  @ApiProperty({ example: 'ENV-0001' }) envelopeNumber!: string;
  @ApiProperty({ example: 'all' }) stratum!: string;
  @ApiProperty({ enum: ['VOIDED'] }) status!: 'VOIDED';
  @ApiProperty({
    type: 'integer',
    description: 'How often it was printed: that many copies to destroy',
  })
  printCount!: number;
  @ApiProperty() voidedAt!: string;
  @ApiProperty() voidedBy!: string;
  @ApiProperty() reason!: string;
}

/**
 * A time of opening: the calendar date and time ISO 8601 allows in extended form, with its zone.
 * IsISO8601 alone also lets week dates (2026-W01-1), ordinal dates (2026-001) and the basic form
 * through, which JavaScript's Date cannot read.
 */
export const OPENED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class RecordOfflineAllocationDto {
  @ApiProperty({ example: 'ENV-0001', pattern: ENVELOPE_LABEL.source, maxLength: 10 })
  @IsString()
  @Matches(ENVELOPE_LABEL, { message: 'envelopeNumber must read like ENV-0001' })
  envelopeNumber!: string;

  @ApiProperty({
    example: '7KQ2-M9XD-4HTP-B3WC',
    maxLength: 40,
    description: 'The opening code printed inside the envelope',
  })
  @IsString()
  @Matches(OPENING_CODE_INPUT, { message: 'openingCode must be the 16 characters printed inside' })
  openingCode!: string;

  @ApiProperty({
    example: '2026-03-02T09:15:00+01:00',
    maxLength: 40,
    pattern: OPENED_AT.source,
    description:
      'When the envelope was opened: ISO 8601 calendar date and time (seconds and fraction optional) with a time zone or Z',
  })
  @IsString()
  @MaxLength(40)
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(OPENED_AT, {
    message: 'openedAt must read like 2026-03-02T09:15:00+01:00 (date, time and time zone)',
  })
  openedAt!: string;
}

/** The pharmacist's answer to a recorded offline allocation: the allocation, marked offline. */
export class OfflineAllocationDto extends AllocationDto {
  // Declared again so that the document gives them the trial's target ids, as AllocationDto's.
  @ApiTargetProperty({ description: 'The limb whose tibialis anterior receives the cells' })
  declare cellLimb: string;
  @ApiTargetProperty({
    nullable: true,
    type: String,
    description: 'The other limb, receiving saline (null in designs with more than two targets)',
  })
  declare salineLimb: string | null;
  @ApiProperty({ enum: [true] }) offline!: true;
  @ApiProperty({ example: 'ENV-0001' }) envelopeNumber!: string;
  @ApiProperty({ description: 'When the envelope was opened (the allocation time)' })
  openedAt!: string;
  @ApiProperty({ description: 'When the offline allocation was recorded' }) recordedAt!: string;
}
