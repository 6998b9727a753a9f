import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiExtraModels,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { TrialDefinition } from '../config/trial-definition';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { auditExportFilename } from './audit-export-format';
import { AuditLogService } from './audit-log.service';
import { AuditEntryDto } from './dto/audit-entry.dto';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditCheckpointDto, ChainVerificationDto } from './dto/audit-verification.dto';
import { AppConfig } from '../config/app-config';
import { TRAINING_HEADER } from '../training/training';

export const CHECKPOINT_HEADER = 'X-Audit-Checkpoint';

/** The errors a stream pipeline ends with when the client closed its connection. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CLIENT_GONE.has(code);
}
/** Entries matching the filters (the afterSeq cursor aside), up to the export's own entry. */
export const TOTAL_COUNT_HEADER = 'X-Total-Count';
/** Present when more entries match after this page: the afterSeq of the next one. */
export const NEXT_AFTER_SEQ_HEADER = 'X-Next-After-Seq';

@ApiTags('audit log')
@Controller('audit-log')
export class AuditLogController {
  private readonly logger = new Logger('AuditLog');

  constructor(
    private readonly auditLog: AuditLogService,
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles('monitor', 'admin')
  @ApiOperation({
    operationId: 'exportAuditLog',
    summary: 'Filter and export the audit log, oldest first, streamed (json array, csv or ndjson)',
    description:
      `The export records itself as AUDIT_EXPORTED and includes that entry last. The ${CHECKPOINT_HEADER} ` +
      'header carries the signed checkpoint of that entry (base64 of its JSON); NDJSON also ends with a ' +
      '{"checkpoint":...} line. `limit` and `afterSeq` page it (any format): the ' +
      `${TOTAL_COUNT_HEADER} header counts the entries the filters match, whichever the page, and ` +
      `${NEXT_AFTER_SEQ_HEADER} is the afterSeq of the next page, absent on the last one. See docs/audit-format.md.`,
  })
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiExtraModels(AuditEntryDto)
  @ApiOkResponse({
    description:
      'JSON: an array of entries; CSV: a header row and one row per entry; NDJSON: one entry per line, then a checkpoint line',
    content: {
      'application/json': {
        schema: { type: 'array', items: { $ref: getSchemaPath(AuditEntryDto) } },
      },
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
    headers: {
      [TOTAL_COUNT_HEADER]: {
        description:
          'Entries matching the filters (from, to, action, actor, participantId; not the afterSeq cursor) up to this export’s own AUDIT_EXPORTED entry',
        schema: { type: 'integer', minimum: 0 },
      },
      [NEXT_AFTER_SEQ_HEADER]: {
        description:
          'Present when more entries match after this page: pass it as afterSeq for the next page',
        schema: { type: 'integer', minimum: 1 },
      },
      [TRAINING_HEADER]: {
        description:
          'Present, `true`, on every response of a practice instance (TRAINING=true); its downloads are named audit-log-TRAINING-...',
        schema: { type: 'string', enum: ['true'] },
      },
      [CHECKPOINT_HEADER]: {
        description: 'The signed checkpoint of the export’s own entry, base64 of its JSON',
        schema: { type: 'string' },
      },
    },
  })
  @ApiBadRequestResponse({
    description: 'A bad filter, limit or afterSeq (VALIDATION_FAILED)',
  })
  async export(
    @CurrentActor() actor: Actor,
    @Query() query: AuditQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const stream = await this.auditLog.startExport(actor, query);
    res.status(200);
    res.setHeader('Content-Type', stream.contentType);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${auditExportFilename(query.format ?? 'json', stream.checkpoint.at, this.exportName())}"`,
    );
    res.setHeader(
      CHECKPOINT_HEADER,
      Buffer.from(JSON.stringify(stream.checkpoint)).toString('base64'),
    );
    res.setHeader(TOTAL_COUNT_HEADER, String(stream.page.total));
    if (stream.page.nextAfterSeq !== undefined)
      res.setHeader(NEXT_AFTER_SEQ_HEADER, String(stream.page.nextAfterSeq));
    res.setHeader('Cache-Control', 'no-store');
    // pipeline() honours back-pressure and stops reading the log if the client goes away.
    try {
      await pipeline(Readable.from(stream.pieces), res);
    } catch (error) {
      if (!isClientGone(error)) throw error;
      // A client that stops downloading is not a server fault: one quiet line, no stack.
      this.logger.log(
        `audit export to ${actor.username} ended early: the client closed the connection`,
      );
    }
  }

  @Get('verify')
  @Roles('monitor', 'admin')
  @ApiOperation({
    operationId: 'verifyAuditLog',
    summary: 'Verify the whole hash chain on the server (recorded as AUDIT_VERIFIED)',
  })
  @ApiOkResponse({ type: ChainVerificationDto })
  verify(@CurrentActor() actor: Actor): Promise<ChainVerificationDto> {
    return this.auditLog.verify(actor);
  }

  @Get('checkpoint')
  @Roles('monitor', 'admin')
  @ApiOperation({
    operationId: 'getAuditCheckpoint',
    summary: 'A signed checkpoint of the log: entries, head hash, time, Ed25519 signature',
  })
  @ApiOkResponse({ type: AuditCheckpointDto })
  checkpoint(): Promise<AuditCheckpointDto> {
    return this.auditLog.checkpoint();
  }

  /** A practice instance's downloads say so in their name, which survives the HTTP headers. */
  private exportName(): string {
    return this.config.training ? `TRAINING-${this.trial.protocolId}` : this.trial.protocolId;
  }
}
