import { Body, Controller, Get, Header, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import {
  GenerateListDto,
  ListExportDto,
  ListGeneratedDto,
  ResetTrainingListDto,
  TrainingListResetDto,
} from './dto/randomization.dto';
import { ListSimulationDto, SimulateListDto } from './dto/list-simulation.dto';
import { ListSimulationService } from './list-simulation.service';
import { RandomizationService } from './randomization.service';
import { TrainingResetService } from './training-reset.service';
import { TrialDefinition } from '../config/trial-definition';
import { TRIAL_DEFINITION } from '../runtime';
import {
  LIST_CSV_CONTENT_TYPE,
  LIST_CSV_FIELDS,
  LIST_REPORT_CSP,
  listReportFilename,
} from './list-report';

/** Ed25519 over the CSV bytes, base64 (docs/randomization.md section 8). */
export const LIST_SIGNATURE_HEADER = 'X-List-Signature';
/** The public key that signature verifies under: the audit signing key, SPKI DER base64. */
export const LIST_SIGNING_KEY_HEADER = 'X-List-Signing-Key';

const SIGNATURE_HEADERS = {
  [LIST_SIGNATURE_HEADER]: {
    description: 'Ed25519 signature over the bytes of the CSV export of the list, base64',
    schema: { type: 'string' },
  },
  [LIST_SIGNING_KEY_HEADER]: {
    description: 'The audit signing public key the signature verifies under, SPKI DER base64',
    schema: { type: 'string' },
  },
} as const;

@ApiTags('randomization list')
@Controller('randomization-list')
export class RandomizationController {
  constructor(
    private readonly randomization: RandomizationService,
    private readonly simulation: ListSimulationService,
    private readonly trainingReset: TrainingResetService,
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('statistician')
  @ApiOperation({
    operationId: 'generateList',
    summary: 'Generate the sealed list, once; returns its commitment (no targets, no block sizes)',
  })
  @ApiCreatedResponse({ type: ListGeneratedDto })
  @ApiConflictResponse({ description: 'A list exists already, or the study is locked' })
  generate(@CurrentActor() actor: Actor, @Body() dto: GenerateListDto): Promise<ListGeneratedDto> {
    return this.randomization.generate(actor, dto.seed);
  }

  @Post('simulation')
  @HttpCode(200)
  @Roles('statistician')
  @ApiOperation({
    operationId: 'simulateList',
    summary:
      'Simulate the list design (the trial’s, or a variant) over fresh seeds: the figures of `list simulate`',
    description:
      'Imbalance after each enrolment count and how often an observer who knows earlier allocations ' +
      'guesses the next one. Fresh random seeds, never the list’s: nothing about the generated list. ' +
      'Recorded as LIST_SIMULATED.',
  })
  @ApiOkResponse({ type: ListSimulationDto })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED (runs), INVALID_DESIGN (a design the trial file would refuse, named by field), ' +
      'SIMULATION_TOO_LARGE (too many runs × slots for one request)',
  })
  @ApiServiceUnavailableResponse({
    description:
      'SIMULATION_UNAVAILABLE: the worker thread stopped before it answered (nothing stored; retry after Retry-After seconds)',
  })
  simulate(@CurrentActor() actor: Actor, @Body() dto: SimulateListDto): Promise<ListSimulationDto> {
    return this.simulation.simulate(actor, dto);
  }

  @Post('reset')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    operationId: 'resetTrainingList',
    summary:
      'Practice instance only (TRAINING=true): clear the list, the participants and their allocations, and the lock',
    description:
      'For staff training: the practice trial starts again from no list. The audit log keeps every entry and records TRAINING_RESET with the reason. ' +
      'On a clinical instance: 409 TRAINING_ONLY, audited, and the database itself refuses the deletes.',
  })
  @ApiOkResponse({ type: TrainingListResetDto })
  @ApiConflictResponse({
    description: 'TRAINING_ONLY: a clinical instance, whose list can never be reset',
  })
  resetTrainingList(
    @CurrentActor() actor: Actor,
    @Body() dto: ResetTrainingListDto,
  ): Promise<TrainingListResetDto> {
    return this.trainingReset.resetTrainingList(actor, dto.reason);
  }

  @Get('export')
  @Roles('statistician')
  @ApiOperation({
    operationId: 'exportList',
    summary: 'After lock: the full list with seed, nonce and commitment, for final unblinding',
  })
  @ApiOkResponse({ type: ListExportDto })
  @ApiConflictResponse({ description: 'The study is not locked yet' })
  exportList(@CurrentActor() actor: Actor): Promise<ListExportDto> {
    return this.randomization.exportList(actor);
  }

  @Get('export/csv')
  @Roles('statistician')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'exportListCsv',
    summary: 'After lock: the full list as CSV, with each slot’s block number and size',
    description:
      `Columns ${LIST_CSV_FIELDS.join(', ')}; quoted and formula-escaped as the audit CSV, null ` +
      `(no block, not allocated) empty and unquoted. The ${LIST_SIGNATURE_HEADER} header is the ` +
      'Ed25519 signature over the bytes of the body (the same on every download of a locked list). ' +
      'Recorded as LIST_EXPORTED with format csv; counted in the blinding register.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'The list, one record per slot',
    content: { 'text/csv': { schema: { type: 'string' } } },
    headers: SIGNATURE_HEADERS,
  })
  @ApiConflictResponse({ description: 'NOT_LOCKED: the study is not locked yet; NO_LIST' })
  async exportListCsv(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const download = await this.randomization.exportListCsv(actor);
    this.sendAsFile(res, LIST_CSV_CONTENT_TYPE, listReportFilename(this.trial.protocolId, 'csv'));
    res.setHeader(LIST_SIGNATURE_HEADER, download.csvSignature);
    res.setHeader(LIST_SIGNING_KEY_HEADER, download.publicKey);
    return download.body;
  }

  @Get('report')
  @Roles('statistician')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'getListReport',
    summary: 'After lock: the printable list report (HTML for A4) for the trial master file',
    description:
      'Trial, method and parameters, seed source, seed, commitment, generation and lock times (trial ' +
      'time zone and UTC), every slot with stratum, block number and size, target, participant and ' +
      'allocation time, and the signature of the CSV export. Recorded as LIST_EXPORTED with format ' +
      'report; counted in the blinding register.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'The report, one HTML page',
    content: { 'text/html': { schema: { type: 'string' } } },
    headers: SIGNATURE_HEADERS,
  })
  @ApiConflictResponse({ description: 'NOT_LOCKED: the study is not locked yet; NO_LIST' })
  async getListReport(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const download = await this.randomization.exportListReportHtml(actor);
    this.sendAsFile(
      res,
      'text/html; charset=utf-8',
      listReportFilename(this.trial.protocolId, 'html'),
    );
    // Its own policy: the page's one stylesheet, by hash, and nothing else.
    res.setHeader('Content-Security-Policy', LIST_REPORT_CSP);
    res.setHeader(LIST_SIGNATURE_HEADER, download.csvSignature);
    res.setHeader(LIST_SIGNING_KEY_HEADER, download.publicKey);
    return download.body;
  }

  private sendAsFile(res: Response, contentType: string, filename: string): void {
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  }
}
