import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { AnyRole, CurrentActor, Roles } from '../common/decorators';
import { LockStudyDto, StudyLockedDto, TrialStatusDto } from './dto/trial.dto';
import { TrialService } from './trial.service';

@ApiTags('trial')
@Controller()
export class TrialController {
  constructor(private readonly trial: TrialService) {}

  @Get('trial')
  @AnyRole()
  @ApiOperation({ operationId: 'getTrial', summary: 'The trial design and its blinded progress' })
  @ApiOkResponse({ type: TrialStatusDto })
  status(): Promise<TrialStatusDto> {
    return this.trial.status();
  }

  @Post('study/lock')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ operationId: 'lockStudy', summary: 'Lock the study for good, with a reason' })
  @ApiOkResponse({ type: StudyLockedDto })
  @ApiConflictResponse({ description: 'STUDY_LOCKED: already locked' })
  lock(@CurrentActor() actor: Actor, @Body() dto: LockStudyDto): Promise<StudyLockedDto> {
    return this.trial.lock(actor, dto.reason);
  }
}
