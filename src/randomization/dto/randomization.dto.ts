import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiTargetProperty } from '../../common/openapi';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';

/**
 * Whoever guesses the seed can rebuild the whole list from the trial file, and the order in which
 * participants were allocated is no secret: a chosen seed must not be short. Leaving it out has
 * 256 random bits drawn, which is better still.
 */
export const MIN_CHOSEN_SEED_LENGTH = 16;
export const MAX_SEED_LENGTH = 256;

export class GenerateListDto {
  // No example: anything shown here would be copied, and a seed that others can read is no seed.
  @ApiPropertyOptional({
    description:
      `The statistician's own seed, ${MIN_CHOSEN_SEED_LENGTH} to ${MAX_SEED_LENGTH} printable ASCII ` +
      'characters, never one shown anywhere. When absent, 256 random bits (hex) are drawn, which is ' +
      'the safer choice. Kept sealed until the final export; the audit entry says whether it was ' +
      'chosen or drawn, never the seed.',
    minLength: MIN_CHOSEN_SEED_LENGTH,
    maxLength: MAX_SEED_LENGTH,
  })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(MIN_CHOSEN_SEED_LENGTH, {
    message: `seed must have at least ${MIN_CHOSEN_SEED_LENGTH} characters (anyone who guesses it can rebuild the list); leave it out to have one drawn`,
  })
  @MaxLength(MAX_SEED_LENGTH)
  @Matches(/^[\x20-\x7E]+$/, { message: 'seed must be printable ASCII' })
  seed?: string;
}

export class ListGeneratedDto {
  @ApiProperty({ description: 'SHA-256 hex over the canonical list and a secret nonce' })
  commitment!: string;
  @ApiProperty({ example: 'permuted-blocks' }) method!: string;
  @ApiProperty() generatedAt!: string;
}

export class ExportedSlotDto {
  @ApiProperty({ type: 'integer', minimum: 1 }) slot!: number;
  @ApiProperty() stratum!: string;
  @ApiTargetProperty({
    description: 'The target of the slot (for NCT02286011 the limb receiving cells)',
  })
  limb!: string;
  @ApiProperty({ nullable: true, type: String }) participantId!: string | null;
}

export class ListExportAuditHeadDto {
  @ApiProperty({
    type: 'integer',
    description: 'Number of audit entries (the seq of the last one)',
  })
  entries!: number;
  @ApiProperty({ description: 'Hash of that entry, SHA-256 hex' }) headHash!: string;
}

export class ListExportSignatureDto {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: 'Ed25519';
  @ApiProperty({ description: 'The audit signing public key, SPKI DER in base64' })
  publicKey!: string;
  @ApiProperty({ description: 'The signature, base64' }) value!: string;
}

export class ListExportDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The trial definition the list was generated from',
  })
  trial!: object;
  @ApiProperty() method!: string;
  @ApiProperty() seed!: string;
  @ApiProperty() nonce!: string;
  @ApiProperty() commitment!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: [ExportedSlotDto] }) slots!: ExportedSlotDto[];
  @ApiProperty({
    description:
      'true: the list of a practice instance (TRAINING=true), not for clinical use; covered by the signature',
  })
  training!: boolean;
  @ApiProperty({
    type: ListExportAuditHeadDto,
    description: 'The audit log head at export time (its LIST_EXPORTED entry included)',
  })
  auditHead!: ListExportAuditHeadDto;
  @ApiProperty({
    type: ListExportSignatureDto,
    description:
      'Ed25519 signature with the audit signing key over the canonical JSON of every other field (docs/randomization.md)',
  })
  signature!: ListExportSignatureDto;
}

export class ResetTrainingListDto {
  @ApiProperty({ minLength: 10, maxLength: 2000, example: 'Start of the pharmacy course, group 2' })
  @IsString()
  @MinLength(10, { message: 'reason must have at least 10 characters' })
  @MaxLength(2000)
  reason!: string;
}

export class TrainingListResetDto {
  @ApiProperty() resetAt!: string;
  @ApiProperty() resetBy!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The commitment of the list cleared, if any',
  })
  clearedCommitment!: string | null;
  @ApiProperty({ type: 'integer', description: 'Participants cleared, with their allocations' })
  clearedParticipants!: number;
  @ApiProperty({ type: 'integer' }) clearedSlots!: number;
}
