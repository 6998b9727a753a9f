import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { AnyRole, CurrentActor, Roles } from '../common/decorators';
import { ParticipantIdParam } from '../common/participant-id';
import {
  BlindedParticipantDto,
  CorrectionDto,
  CorrectRegistrationDto,
  NotEligibleBodyDto,
  PARTICIPANT_ID_PARAM,
  RegisteredParticipantDto,
  RegisterParticipantDto,
  WithdrawParticipantDto,
} from './dto/participant.dto';
import { ParticipantsQueryDto } from './dto/participants-query.dto';
import { ParticipantsService } from './participants.service';

@ApiTags('participants')
@Controller('participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Post()
  @HttpCode(201)
  @Roles('pharmacist', 'investigator')
  @ApiOperation({ operationId: 'registerParticipant', summary: 'Register an eligible participant' })
  @ApiCreatedResponse({ type: RegisteredParticipantDto })
  @ApiConflictResponse({
    description: 'Duplicate screening number, target size reached, or locked',
  })
  @ApiUnprocessableEntityResponse({
    description: 'Not eligible: `failed` lists the criterion ids',
    type: NotEligibleBodyDto,
  })
  register(
    @CurrentActor() actor: Actor,
    @Body() dto: RegisterParticipantDto,
  ): Promise<RegisteredParticipantDto> {
    return this.participants.register(actor, dto);
  }

  @Get()
  @AnyRole()
  @ApiOperation({
    operationId: 'listParticipants',
    summary: 'All participants, blinded: status, times and seal, never a target',
    description:
      'With `screeningNumber`, only the participant registered with it: an array of one, or an empty array.',
  })
  @ApiOkResponse({ type: BlindedParticipantDto, isArray: true })
  @ApiBadRequestResponse({ description: 'A malformed screening number (VALIDATION_FAILED)' })
  list(@Query() query: ParticipantsQueryDto): Promise<BlindedParticipantDto[]> {
    return this.participants.list(query);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ operationId: 'getParticipant', summary: 'One participant, blinded' })
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiOkResponse({ type: BlindedParticipantDto })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  get(@ParticipantIdParam() id: string): Promise<BlindedParticipantDto> {
    return this.participants.get(id);
  }

  @Patch(':id')
  @Roles('pharmacist', 'investigator')
  @ApiOperation({
    operationId: 'correctRegistration',
    summary: 'Correct a registration, with a reason (audited with the old and new values)',
    description:
      'Before allocation any field may change and eligibility is evaluated again (422 as at ' +
      'registration; nothing changes). After allocation the strata are fixed (409 STRATUM_FIXED); ' +
      'the screening number, age and answers may still be corrected, and `failed` then names ' +
      'any criterion the corrected record fails (a protocol deviation; the allocation stands).',
  })
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiOkResponse({ type: CorrectionDto })
  @ApiBadRequestResponse({
    description:
      'No field to correct, a reason under 10 characters, an unknown criterion, factor or level (VALIDATION_FAILED), or nothing changes (NO_CHANGE)',
  })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({
    description:
      'Strata of an allocated participant (STRATUM_FIXED), a screening number already registered (DUPLICATE), or locked (STUDY_LOCKED)',
  })
  @ApiUnprocessableEntityResponse({
    description: 'Before allocation, the corrected record is not eligible',
    type: NotEligibleBodyDto,
  })
  correct(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Body() dto: CorrectRegistrationDto,
  ): Promise<CorrectionDto> {
    return this.participants.correct(actor, id, dto);
  }

  @Post(':id/withdrawal')
  // 200 as for lock and unblinding: the participant's state changes, no resource is created.
  @HttpCode(200)
  @Roles('pharmacist', 'investigator')
  @ApiOperation({
    operationId: 'withdrawParticipant',
    summary: 'Withdraw a participant, with a reason',
    description:
      'The allocation stands (no slot is freed) and the status becomes WITHDRAWN. A withdrawn ' +
      'participant cannot be allocated (409 WITHDRAWN) and can still be unblinded in an emergency.',
  })
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiOkResponse({ type: BlindedParticipantDto })
  @ApiBadRequestResponse({ description: 'A reason under 10 characters (VALIDATION_FAILED)' })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({
    description: 'Already withdrawn (ALREADY_WITHDRAWN) or locked (STUDY_LOCKED)',
  })
  withdraw(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Body() dto: WithdrawParticipantDto,
  ): Promise<BlindedParticipantDto> {
    return this.participants.withdraw(actor, id, dto.reason);
  }
}
