import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParticipantIdParam } from '../common/participant-id';
import { BlindingRegisterService } from './blinding-register.service';
import {
  BlindingRegisterDto,
  UnblindingDto,
  UnblindingRequestDto,
  UnblindingReviewDto,
  UnblindingReviewRequestDto,
  UnblindingSummaryDto,
} from './dto/unblinding.dto';
import { UnblindingService } from './unblinding.service';
import { PARTICIPANT_ID_PARAM } from '../participants/dto/participant.dto';

@ApiTags('unblinding')
@Controller()
export class UnblindingController {
  constructor(
    private readonly unblinding: UnblindingService,
    private readonly blindingRegister: BlindingRegisterService,
  ) {}

  @Post('participants/:id/unblinding')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Roles('unblinder')
  @ApiOperation({
    operationId: 'unblind',
    summary:
      'Emergency unblinding of one participant, signed with your password; breaks the seal for good',
  })
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiOkResponse({ type: UnblindingDto })
  @ApiUnauthorizedResponse({ description: 'Wrong password (the signature is refused)' })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({ description: 'Not allocated' })
  unblind(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Body() dto: UnblindingRequestDto,
  ): Promise<UnblindingDto> {
    return this.unblinding.unblind(actor, id, dto.reason, dto.password);
  }

  @Post('participants/:id/unblinding/review')
  @HttpCode(201)
  @Roles('admin', 'unblinder')
  @ApiOperation({
    operationId: 'reviewUnblinding',
    summary: 'Review an unblinding after the fact (not by the person who unblinded)',
  })
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiCreatedResponse({ type: UnblindingReviewDto })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({ description: 'Not unblinded, or already reviewed' })
  review(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Body() dto: UnblindingReviewRequestDto,
  ): Promise<UnblindingReviewDto> {
    return this.unblinding.review(actor, id, dto);
  }

  @Get('unblindings')
  @Roles('admin', 'monitor', 'unblinder')
  @ApiOperation({
    operationId: 'listUnblindings',
    summary: 'Every unblinding with its review and notification state (no targets)',
  })
  @ApiOkResponse({ type: UnblindingSummaryDto, isArray: true })
  list(): Promise<UnblindingSummaryDto[]> {
    return this.unblinding.list();
  }

  @Get('blinding-register')
  @Roles('admin', 'monitor')
  @ApiOperation({
    operationId: 'getBlindingRegister',
    summary: 'Who has been exposed to which participant’s allocation, when and how',
  })
  @ApiOkResponse({ type: BlindingRegisterDto })
  register(): Promise<BlindingRegisterDto> {
    return this.blindingRegister.register();
  }
}
