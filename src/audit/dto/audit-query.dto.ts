import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { AUDIT_ACTIONS, AuditAction } from '../audit-actions';
import { AUDIT_EXPORT_FORMATS, AuditExportFormat } from '../audit-export-format';

/** `?action=A,B` and `?action=A&action=B` both give ['A', 'B']. */
function toList(value: unknown): unknown {
  if (value === undefined) return undefined;
  const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
}

export class AuditQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_EXPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(AUDIT_EXPORT_FORMATS, {
    message: `format must be one of ${AUDIT_EXPORT_FORMATS.join(', ')}`,
  })
  format?: AuditExportFormat;

  @ApiPropertyOptional({
    description: 'ISO-8601 time; entries at or after it',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 time; entries at or before it' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to?: string;

  @ApiPropertyOptional({
    description: 'One or several actions, comma-separated or repeated',
    enum: AUDIT_ACTIONS,
  })
  @IsOptional()
  @Transform(({ value }) => toList(value))
  @IsArray()
  @IsIn(AUDIT_ACTIONS, {
    each: true,
    message: 'each action must be one of the audit actions (docs/audit-format.md)',
  })
  action?: AuditAction[];

  @ApiPropertyOptional({ description: 'Username' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  participantId?: string;
}
