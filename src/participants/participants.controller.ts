import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import {
  BlindedParticipantDto,
  NotEligibleBodyDto,
  PARTICIPANT_ID_PARAM,
  RegisteredParticipantDto,
  RegisterParticipantDto,
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
  get(@Param('id') id: string): Promise<BlindedParticipantDto> {
    return this.participants.get(id);
  }
}
