import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ChainVerification } from '../audit-chain';
import { AuditCheckpoint } from '../audit-checkpoint';

/** The verdict of GET /api/audit-log/verify, for the OpenAPI document. */
export class ChainVerificationDto implements ChainVerification {
  @ApiProperty({ description: 'Every entry links to the one before and hashes as recorded' })
  valid!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Entries checked' }) entries!: number;
  @ApiProperty({ description: 'Hash of the last entry checked, SHA-256 hex' }) headHash!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only when invalid' })
  firstInvalidSeq?: number;
  @ApiPropertyOptional({ description: 'Only when invalid: what is wrong with that entry' })
  problem?: string;
}

/** A signed checkpoint (docs/audit-format.md), for the OpenAPI document. */
export class AuditCheckpointDto implements AuditCheckpoint {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Entries in the log (the last seq)' })
  entries!: number;
  @ApiProperty({ description: 'Hash of the last entry, SHA-256 hex' }) headHash!: string;
  @ApiProperty({ description: 'ISO-8601 UTC time of the checkpoint' }) at!: string;
  @ApiProperty({
    description: 'Ed25519 signature of the canonical {entries, headHash, at}, base64',
  })
  signature!: string;
  @ApiProperty({ description: 'The audit signing public key, SPKI DER in base64' })
  publicKey!: string;
}
