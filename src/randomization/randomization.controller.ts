import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
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

@ApiTags('randomization list')
@Controller('randomization-list')
export class RandomizationController {
  constructor(
    private readonly randomization: RandomizationService,
    private readonly simulation: ListSimulationService,
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
    return this.randomization.resetTrainingList(actor, dto.reason);
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
}
