import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParticipantIdParam } from '../common/participant-id';
import { PARTICIPANT_ID_PARAM } from '../participants/dto/participant.dto';
import {
  EnvelopeListDto,
  IssueEnvelopesDto,
  OfflineAllocationDto,
  RecordOfflineAllocationDto,
  VOID_REASON_MAX_LENGTH,
  VoidedEnvelopeDto,
  VoidEnvelopeDto,
} from './dto/envelopes.dto';
import { WRONG_CODE_WINDOW_SECONDS, WRONG_CODES_ALLOWED } from './code-throttle';
import { EnvelopeNumberPipe } from './envelope-number.pipe';
import { EnvelopesService } from './envelopes.service';
import { ENVELOPE_LABEL } from './opening-code';

const ENVELOPE_NUMBER_PARAM = {
  name: 'number',
  description: 'Envelope number, as printed on the outside (ENV-0001)',
  schema: { type: 'string' as const, pattern: ENVELOPE_LABEL.source, maxLength: 10 },
};

@ApiTags('downtime envelopes')
@Controller()
export class EnvelopesController {
  constructor(private readonly envelopes: EnvelopesService) {}

  @Post('downtime-envelopes')
  @HttpCode(201)
  @Roles('statistician')
  @ApiOperation({
    operationId: 'issueDowntimeEnvelopes',
    summary: 'Issue downtime envelopes for the next free slots of each stratum (audited)',
    description:
      'Reserves the next `perStratum` free slots of every stratum, one envelope each; online allocation skips them from now on. The answer is blinded: envelope numbers and strata, never a target or a slot.',
  })
  @ApiCreatedResponse({ type: EnvelopeListDto })
  @ApiConflictResponse({
    description: 'NO_LIST, STUDY_LOCKED, LIST_EXHAUSTED (a stratum has fewer free slots)',
  })
  issue(@CurrentActor() actor: Actor, @Body() dto: IssueEnvelopesDto): Promise<EnvelopeListDto> {
    return this.envelopes.issue(actor, dto.perStratum);
  }

  @Get('downtime-envelopes')
  @Header('Cache-Control', 'no-store')
  @Roles('statistician', 'pharmacist', 'admin', 'monitor')
  @ApiOperation({
    operationId: 'listDowntimeEnvelopes',
    summary: 'Every downtime envelope and where it stands (blinded: no target, no slot)',
  })
  @ApiOkResponse({ type: EnvelopeListDto })
  list(): Promise<EnvelopeListDto> {
    return this.envelopes.list();
  }

  @Post('downtime-envelopes/:number/print')
  @HttpCode(200)
  @Roles('pharmacist')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiParam(ENVELOPE_NUMBER_PARAM)
  @ApiProduces('text/html')
  @ApiOperation({
    operationId: 'printDowntimeEnvelope',
    summary: 'The printable A4 page of one envelope, with a new opening code (audited)',
    description:
      'Above the cut line the outside and the syringe labels, the same bytes whichever target the envelope holds; below it, sealed inside, the target and an opening code. Each printing makes a new code (the server keeps only its hash), so an earlier printed copy no longer opens. Recorded as ENVELOPE_PRINTED, counted in the blinding register.',
  })
  @ApiOkResponse({
    description: 'A self-contained HTML page with print styles',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED: the envelope number does not read like ENV-0001',
  })
  @ApiNotFoundResponse({ description: 'ENVELOPE_NOT_FOUND' })
  @ApiConflictResponse({ description: 'ENVELOPE_USED, ENVELOPE_VOIDED, STUDY_LOCKED' })
  print(
    @CurrentActor() actor: Actor,
    @Param('number', new EnvelopeNumberPipe('ENVELOPE_PRINT_REFUSED')) envelopeNumber: string,
  ): Promise<string> {
    return this.envelopes.print(actor, envelopeNumber);
  }

  @Post('downtime-envelopes/:number/void')
  @HttpCode(200)
  @Roles('statistician')
  @ApiParam(ENVELOPE_NUMBER_PARAM)
  @ApiOperation({
    operationId: 'voidDowntimeEnvelope',
    summary: 'Void one outstanding envelope before the lock, with a reason (audited)',
    description:
      'For an envelope lost, damaged or whose seal was broken without a participant: it can no longer be printed or used. Its slot stays out of online allocation, as at the lock (someone may have seen what is inside). Recorded as ENVELOPE_VOIDED with the reason; the answer and the entry name the envelope and the reason, never a target or a slot.',
  })
  @ApiOkResponse({ type: VoidedEnvelopeDto })
  @ApiBadRequestResponse({
    description: `VALIDATION_FAILED: no reason, a reason longer than ${VOID_REASON_MAX_LENGTH} characters, or an envelope number that does not read like ENV-0001`,
  })
  @ApiNotFoundResponse({ description: 'ENVELOPE_NOT_FOUND' })
  @ApiConflictResponse({
    description:
      'ENVELOPE_USED (recorded for a participant), ENVELOPE_VOIDED (voided already), STUDY_LOCKED (every envelope left was voided at the lock)',
  })
  voidOne(
    @CurrentActor() actor: Actor,
    @Param('number', new EnvelopeNumberPipe('ENVELOPE_VOID_REFUSED')) envelopeNumber: string,
    @Body() dto: VoidEnvelopeDto,
  ): Promise<VoidedEnvelopeDto> {
    return this.envelopes.voidOne(actor, envelopeNumber, dto.reason);
  }

  @Post('participants/:id/offline-allocation')
  @HttpCode(201)
  @Roles('pharmacist')
  @Header('Cache-Control', 'no-store')
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiOperation({
    operationId: 'recordOfflineAllocation',
    summary: 'Record an allocation made from a downtime envelope while the service was down',
    description:
      'The envelope’s slot becomes the participant’s, in one transaction with an ALLOCATED entry marked offline (details.offline, details.envelopeNumber, details.openedAt). The allocation time is the time of opening.',
  })
  @ApiCreatedResponse({ type: OfflineAllocationDto })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED, OPENING_TIME_INVALID (in the future or before printing)',
  })
  @ApiNotFoundResponse({ description: 'Unknown participant, ENVELOPE_NOT_FOUND' })
  @ApiConflictResponse({
    description:
      'ALREADY_ALLOCATED, WITHDRAWN, STUDY_LOCKED, NO_LIST, ENVELOPE_USED, ENVELOPE_VOIDED, ENVELOPE_WRONG_STRATUM, ENVELOPE_NOT_PRINTED',
  })
  @ApiUnprocessableEntityResponse({ description: 'ENVELOPE_CODE_WRONG' })
  @ApiTooManyRequestsResponse({
    description: `THROTTLED: the envelope took ${WRONG_CODES_ALLOWED} wrong opening codes within ${WRONG_CODE_WINDOW_SECONDS / 60} minutes and refuses any code until the oldest leaves that window`,
  })
  recordOffline(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Body() dto: RecordOfflineAllocationDto,
  ): Promise<OfflineAllocationDto> {
    return this.envelopes.recordOffline(actor, id, dto);
  }
}
