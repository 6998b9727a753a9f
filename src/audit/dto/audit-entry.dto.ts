import { ApiProperty } from '@nestjs/swagger';
import { AuditDetails, AuditOutcome, ChainedAuditEntry } from '../audit-chain';
import { AUDIT_ACTIONS } from '../audit-actions';

/** One entry of a JSON export (SPEC section 6), for the OpenAPI document. */
export class AuditEntryDto implements ChainedAuditEntry {
  @ApiProperty({ description: '1, 2, 3, without gaps', minimum: 1, type: 'integer' })
  seq!: number;
  @ApiProperty({ description: 'ISO-8601 UTC with milliseconds, server clock' }) at!: string;
  @ApiProperty({ description: 'Username, or anonymous' }) actor!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: string;
  @ApiProperty({ nullable: true, type: String }) participantId!: string | null;
  @ApiProperty({ enum: ['SUCCESS', 'DENIED', 'REJECTED', 'ERROR'] }) outcome!: AuditOutcome;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Never a limb, seed, nonce, password or token',
  })
  details!: AuditDetails;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ description: 'hash of the previous entry; 64 zeros before the first' })
  prevHash!: string;
  @ApiProperty({ description: 'SHA-256 hex (docs/audit-format.md)' }) hash!: string;
}
