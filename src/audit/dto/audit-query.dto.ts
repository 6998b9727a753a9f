import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AUDIT_ACTIONS, AuditAction } from '../audit-actions';
import { AUDIT_EXPORT_FORMATS, AuditExportFormat } from '../audit-export-format';

/** `?action=A,B` and `?action=A&action=B` both give ['A', 'B']. */
function toList(value: unknown): unknown {
  if (value === undefined) return undefined;
  const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
}

/** Entries one page may hold at most. */
export const AUDIT_PAGE_LIMIT_MAX = 1000;

/**
 * A query parameter that must be a whole number written in decimal digits: anything else (`1.5`,
 * `1e3`, `0x10`, a repeated parameter) is passed on unchanged and refused by @IsInt.
 */
function toWholeNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
}
/** The largest cursor toWholeNumber() reads (15 digits), so the document can say so. */
const AFTER_SEQ_MAX = 999_999_999_999_999;

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
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({
    description: 'ISO-8601 time; entries at or before it',
    format: 'date-time',
  })
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

  @ApiPropertyOptional({ description: 'Username', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  participantId?: string;

  @ApiPropertyOptional({
    description:
      `Page size: at most this many entries (1 to ${AUDIT_PAGE_LIMIT_MAX}); without it, every matching ` +
      'entry. When more match, the X-Next-After-Seq header gives the afterSeq of the next page.',
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: AUDIT_PAGE_LIMIT_MAX,
  })
  @IsOptional()
  @Transform(({ value }) => toWholeNumber(value))
  @IsInt({ message: `limit must be a whole number from 1 to ${AUDIT_PAGE_LIMIT_MAX}` })
  @Min(1, { message: `limit must be a whole number from 1 to ${AUDIT_PAGE_LIMIT_MAX}` })
  @Max(AUDIT_PAGE_LIMIT_MAX, {
    message: `limit must be a whole number from 1 to ${AUDIT_PAGE_LIMIT_MAX}`,
  })
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Cursor: only entries with a seq greater than this (0 or absent: from the first). Pass the ' +
      'X-Next-After-Seq header of the previous page.',
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: AFTER_SEQ_MAX,
  })
  @IsOptional()
  @Transform(({ value }) => toWholeNumber(value))
  @IsInt({ message: 'afterSeq must be a whole number, 0 or more' })
  @Min(0, { message: 'afterSeq must be a whole number, 0 or more' })
  afterSeq?: number;
}
