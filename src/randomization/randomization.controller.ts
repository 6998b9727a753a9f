import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { GenerateListDto, ListExportDto, ListGeneratedDto } from './dto/randomization.dto';
import { RandomizationService } from './randomization.service';

@ApiTags('randomization list')
@Controller('randomization-list')
export class RandomizationController {
  constructor(private readonly randomization: RandomizationService) {}

  @Post()
  @HttpCode(201)
  @Roles('statistician')
  @ApiOperation({
    summary: 'Generate the sealed list, once; returns its commitment (no targets, no block sizes)',
  })
  @ApiConflictResponse({ description: 'A list exists already, or the study is locked' })
  generate(@CurrentActor() actor: Actor, @Body() dto: GenerateListDto): Promise<ListGeneratedDto> {
    return this.randomization.generate(actor, dto.seed);
  }

  @Get('export')
  @Roles('statistician')
  @ApiOperation({
    summary: 'After lock: the full list with seed, nonce and commitment, for final unblinding',
  })
  @ApiConflictResponse({ description: 'The study is not locked yet' })
  exportList(@CurrentActor() actor: Actor): Promise<ListExportDto> {
    return this.randomization.exportList(actor);
  }
}
