import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { TrialDefinition } from '../config/trial-definition';
import { TRIAL_DEFINITION } from '../runtime';
import { AuditCheckpoint } from './audit-checkpoint';
import { ChainVerification } from './audit-chain';
import { auditExportFilename } from './audit-export-format';
import { AuditLogService } from './audit-log.service';
import { AuditQueryDto } from './dto/audit-query.dto';

export const CHECKPOINT_HEADER = 'X-Audit-Checkpoint';

@ApiTags('audit log')
@Controller('audit-log')
export class AuditLogController {
  constructor(
    private readonly auditLog: AuditLogService,
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
  ) {}

  @Get()
  @Roles('monitor', 'admin')
  @ApiOperation({
    summary: 'Filter and export the audit log, oldest first, streamed (json array, csv or ndjson)',
    description:
      `The export records itself as AUDIT_EXPORTED and includes that entry last. The ${CHECKPOINT_HEADER} ` +
      'header carries the signed checkpoint of that entry (base64 of its JSON); NDJSON also ends with a ' +
      '{"checkpoint":...} line. See docs/audit-format.md.',
  })
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
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
      `attachment; filename="${auditExportFilename(query.format ?? 'json', stream.checkpoint.at, this.trial.protocolId)}"`,
    );
    res.setHeader(
      CHECKPOINT_HEADER,
      Buffer.from(JSON.stringify(stream.checkpoint)).toString('base64'),
    );
    res.setHeader('Cache-Control', 'no-store');
    // pipeline() honours back-pressure and stops reading the log if the client goes away.
    await pipeline(Readable.from(stream.pieces), res);
  }

  @Get('verify')
  @Roles('monitor', 'admin')
  @ApiOperation({
    summary: 'Verify the whole hash chain on the server (recorded as AUDIT_VERIFIED)',
  })
  verify(@CurrentActor() actor: Actor): Promise<ChainVerification> {
    return this.auditLog.verify(actor);
  }

  @Get('checkpoint')
  @Roles('monitor', 'admin')
  @ApiOperation({
    summary: 'A signed checkpoint of the log: entries, head hash, time, Ed25519 signature',
  })
  @ApiOkResponse({ description: '{entries, headHash, at, signature, publicKey}' })
  checkpoint(): Promise<AuditCheckpoint> {
    return this.auditLog.checkpoint();
  }
}
