import { Controller, Get, Header, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParticipantIdParam } from '../common/participant-id';
import { AllocationService, IDEMPOTENCY_KEY } from './allocation.service';
import { PARTICIPANT_ID_PARAM } from '../participants/dto/participant.dto';
import { AllocationDto } from './dto/allocation.dto';

@ApiTags('allocation')
@ApiParam(PARTICIPANT_ID_PARAM)
@Controller('participants/:id')
export class AllocationController {
  constructor(private readonly allocation: AllocationService) {}

  @Post('allocation')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Roles('pharmacist')
  @ApiOperation({
    operationId: 'allocate',
    summary: 'Allocate the next free slot of the participant’s stratum (audited)',
  })
  @ApiCreatedResponse({ type: AllocationDto })
  @ApiHeader({
    // The name that @Headers() reads, so that the document lists the header once, as optional.
    name: 'idempotency-key',
    required: false,
    schema: { type: 'string', minLength: 8, maxLength: 128, pattern: IDEMPOTENCY_KEY.source },
    description:
      'A retried request with the same key returns the first answer, without a second allocation',
  })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({ description: 'Already allocated, no list, list exhausted, study locked' })
  allocate(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<AllocationDto> {
    return this.allocation.allocate(actor, id, idempotencyKey);
  }

  @Get('allocation')
  @Header('Cache-Control', 'no-store')
  @Roles('pharmacist')
  @ApiOperation({
    operationId: 'getAllocation',
    summary: 'Re-read an allocation to prepare the syringes (audited)',
  })
  @ApiOkResponse({ type: AllocationDto })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({ description: 'Not allocated yet' })
  reread(@CurrentActor() actor: Actor, @ParticipantIdParam() id: string): Promise<AllocationDto> {
    return this.allocation.reread(actor, id);
  }

  @Get('preparation-sheet')
  @Roles('pharmacist')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOperation({
    operationId: 'getPreparationSheet',
    summary: 'A printable A4 preparation sheet: ward labels and the pharmacy copy (audited)',
    description:
      'Syringe labels for the ward (trial, participant, screening number, target limb, volume, date, initials boxes; never the content) and, behind a cut line, the pharmacy copy with the allocation and the injection plan. Times in the trial time zone.',
  })
  @ApiOkResponse({
    description: 'A self-contained HTML page with print styles',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({ description: 'Not allocated yet' })
  preparationSheet(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
  ): Promise<string> {
    return this.allocation.preparationSheet(actor, id);
  }
}
