import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PARTICIPANT_ID_MAX_LENGTH } from '../../common/participant-id';
import { IsOptionalNotNull, KeepEveryKey } from '../../common/validation';

/** What a screening number may be: the same rule at registration and in a search. */
export const SCREENING_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;
export const SCREENING_NUMBER_RULE =
  'screeningNumber must be 1 to 64 letters, digits, dots, slashes, dashes or underscores';

/**
 * The `:id` of every participant route: the participant id (ELA-001 for NCT02286011), taken with
 * @ParticipantIdParam(), which refuses a longer one.
 */
export const PARTICIPANT_ID_PARAM = {
  name: 'id',
  description: `Participant id, at most ${PARTICIPANT_ID_MAX_LENGTH} characters (a longer one is refused with 400 VALIDATION_FAILED)`,
  schema: { type: 'string' as const, maxLength: PARTICIPANT_ID_MAX_LENGTH },
};

export class RegisterParticipantDto {
  @ApiProperty({
    example: 'SCR-0001',
    description: 'Unique screening number',
    pattern: SCREENING_NUMBER_PATTERN.source,
    maxLength: 64,
  })
  @IsString()
  @Matches(SCREENING_NUMBER_PATTERN, { message: SCREENING_NUMBER_RULE })
  screeningNumber!: string;

  @ApiProperty({
    example: 54,
    description:
      'Age in whole years; outside the trial’s range it is refused with 422, failed: ["age"] and a message that names the range ("age 71: the trial admits 18 to 70")',
  })
  @IsInt({ message: 'age must be a whole number of years' })
  age!: number;

  @ApiProperty({
    description:
      'An answer to every criterion of GET /api/trial: true when the criterion is MET. An inclusion ' +
      'criterion must be met, an exclusion criterion must not be.',
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { 'inc-als-diagnosis': true, 'exc-diabetes': false },
  })
  @IsObject()
  @KeepEveryKey()
  eligibility!: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'A level for each stratification factor of the trial (none for NCT02286011)',
    type: 'object',
    // A level matches the trial file's id rule, so no longer one is ever accepted.
    additionalProperties: { type: 'string', maxLength: 64 },
    example: { site: 'north' },
  })
  @IsOptionalNotNull()
  @IsObject()
  @KeepEveryKey()
  strata?: Record<string, unknown>;
}

export class SealDto {
  @ApiProperty() unblinded!: boolean;
  @ApiProperty({ nullable: true, type: String }) at!: string | null;
  @ApiProperty({ nullable: true, type: String }) by!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}

/** A participant's withdrawal: who, when and why (the allocation stands). */
export class WithdrawalStateDto {
  @ApiProperty() withdrawn!: boolean;
  @ApiProperty({ nullable: true, type: String }) at!: string | null;
  @ApiProperty({ nullable: true, type: String }) by!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}

export const PARTICIPANT_STATUSES = ['REGISTERED', 'ALLOCATED', 'UNBLINDED', 'WITHDRAWN'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

/** What every role may see of a participant: status and times, never a target or a slot. */
export class BlindedParticipantDto {
  @ApiProperty() participantId!: string;
  @ApiProperty() screeningNumber!: string;
  @ApiProperty({
    enum: PARTICIPANT_STATUSES,
    description:
      'WITHDRAWN once withdrawn, whatever else happened (the seal still says whether it was unblinded)',
  })
  status!: ParticipantStatus;
  @ApiProperty() stratum!: string;
  @ApiProperty() registeredAt!: string;
  @ApiProperty() registeredBy!: string;
  @ApiProperty({ nullable: true, type: String }) allocatedAt!: string | null;
  @ApiProperty({ type: SealDto }) seal!: SealDto;
  @ApiProperty({ type: WithdrawalStateDto }) withdrawal!: WithdrawalStateDto;
}

/** The 422 of a registration: the error body, plus the ids of the criteria that failed. */
export class NotEligibleBodyDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'Unprocessable Entity' }) error!: string;
  @ApiProperty({ enum: ['NOT_ELIGIBLE'] }) code!: 'NOT_ELIGIBLE';
  @ApiProperty({ description: 'A sentence naming each failed criterion' }) message!: string;
  @ApiProperty({
    type: [String],
    description:
      'The ids of the failed criteria (GET /api/trial eligibility); `age` when the age is outside the trial’s range',
    example: ['inc-adherence', 'age'],
  })
  failed!: string[];
}

export class RegisteredParticipantDto {
  @ApiProperty() participantId!: string;
  @ApiProperty({ enum: ['REGISTERED'] }) status!: 'REGISTERED';
  @ApiProperty() registeredAt!: string;
}

/** Why a registration or a participant changes: read by every role, so never name a limb. */
const REASON_PROPERTY = {
  minLength: 10,
  maxLength: 2000,
  description: 'Why, read by every role in the audit log: never name a limb or a side here.',
};

export class CorrectRegistrationDto {
  @ApiProperty({ ...REASON_PROPERTY, example: 'Screening number mistyped at registration' })
  @IsString()
  @MinLength(10, { message: 'reason must have at least 10 characters' })
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({
    example: 'SCR-0002',
    description: 'The corrected screening number (unique); may be corrected after allocation',
    pattern: SCREENING_NUMBER_PATTERN.source,
    maxLength: 64,
  })
  @IsOptionalNotNull()
  @IsString()
  @Matches(SCREENING_NUMBER_PATTERN, { message: SCREENING_NUMBER_RULE })
  screeningNumber?: string;

  @ApiPropertyOptional({
    example: 55,
    description: 'The corrected age in whole years; eligibility is evaluated again',
  })
  @IsOptionalNotNull()
  @IsInt({ message: 'age must be a whole number of years' })
  age?: number;

  @ApiPropertyOptional({
    description:
      'Corrected answers, criterion by criterion (true when MET); criteria left out keep their ' +
      'registered answer. Eligibility is evaluated again over the whole corrected record.',
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { 'exc-diabetes': false },
  })
  @IsOptionalNotNull()
  @IsObject()
  @KeepEveryKey()
  eligibility?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'A level for every stratification factor, as at registration. Refused (409 STRATUM_FIXED) ' +
      'once the participant is allocated, unless it names the same stratum.',
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 64 },
    example: { site: 'north' },
  })
  @IsOptionalNotNull()
  @IsObject()
  @KeepEveryKey()
  strata?: Record<string, unknown>;
}

export class CorrectionDto {
  @ApiProperty({ type: BlindedParticipantDto }) participant!: BlindedParticipantDto;
  @ApiProperty({
    enum: ['screeningNumber', 'age', 'eligibility', 'stratum'],
    isArray: true,
    description: 'The fields that changed (their old and new values are in the audit entry)',
  })
  changed!: ('screeningNumber' | 'age' | 'eligibility' | 'stratum')[];
  @ApiProperty({
    type: [String],
    description:
      'Empty before allocation (an ineligible correction is refused with 422). After allocation, ' +
      'the criteria the corrected record fails: the correction is kept, the allocation stands, ' +
      'and the failure is a protocol deviation to report.',
  })
  failed!: string[];
}

export class WithdrawParticipantDto {
  @ApiProperty({ ...REASON_PROPERTY, example: 'Consent withdrawn by the participant at the visit' })
  @IsString()
  @MinLength(10, { message: 'reason must have at least 10 characters' })
  @MaxLength(2000)
  reason!: string;
}
