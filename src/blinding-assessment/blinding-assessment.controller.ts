import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ParticipantIdParam } from '../common/participant-id';
import { PARTICIPANT_ID_PARAM } from '../participants/dto/participant.dto';
import { BlindingAssessmentService } from './blinding-assessment.service';
import {
  BlindingAssessmentDto,
  RecordedGuessDto,
  RecordGuessDto,
} from './dto/blinding-assessment.dto';

@ApiTags('blinding assessment')
@Controller()
export class BlindingAssessmentController {
  constructor(private readonly assessment: BlindingAssessmentService) {}

  @Post('participants/:id/blinding-guesses')
  @HttpCode(201)
  @Roles('assessor', 'investigator')
  @ApiOperation({
    operationId: 'recordBlindingGuess',
    summary:
      'Record a guess of which target the participant got (the participant’s, or your own as assessor); never changed',
    description:
      'Before the participant’s seal is broken and before the lock, by someone who never held pharmacist or unblinder (403 GUESSER_NOT_BLINDED otherwise). One guess per participant per guesser: a second is 409 ALREADY_GUESSED. The answer does not repeat the guess.',
  })
  @ApiParam(PARTICIPANT_ID_PARAM)
  @ApiCreatedResponse({ type: RecordedGuessDto })
  @ApiBadRequestResponse({
    description: 'A guess that is neither a target of the trial nor DONT_KNOW',
  })
  @ApiForbiddenResponse({
    description:
      'GUESSER_NOT_BLINDED: the caller holds or ever held pharmacist or unblinder, roles that see allocations; the message names the role and when it was held (audited as BLINDING_GUESS_REFUSED)',
  })
  @ApiNotFoundResponse({ description: 'Unknown participant' })
  @ApiConflictResponse({
    description:
      'Not allocated (NOT_ALLOCATED), unblinded (SEAL_BROKEN), already guessed (ALREADY_GUESSED), or locked (STUDY_LOCKED)',
  })
  recordGuess(
    @CurrentActor() actor: Actor,
    @ParticipantIdParam() id: string,
    @Body() dto: RecordGuessDto,
  ): Promise<RecordedGuessDto> {
    return this.assessment.recordGuess(actor, id, dto);
  }

  @Get('blinding-assessment')
  @Header('Cache-Control', 'no-store')
  @Roles('statistician')
  @ApiOperation({
    operationId: 'getBlindingAssessment',
    summary:
      'After lock: Bang’s blinding index with its 95% interval per guesser group and arm, and the counts (audited)',
  })
  @ApiOkResponse({ type: BlindingAssessmentDto })
  @ApiConflictResponse({ description: 'Before lock (NOT_LOCKED)' })
  get(@CurrentActor() actor: Actor): Promise<BlindingAssessmentDto> {
    return this.assessment.assessment(actor);
  }
}
