import { Module } from '@nestjs/common';
import { ListSimulationService } from './list-simulation.service';
import { RandomizationController } from './randomization.controller';
import { RandomizationService } from './randomization.service';

@Module({
  controllers: [RandomizationController],
  providers: [RandomizationService, ListSimulationService],
  exports: [RandomizationService],
})
export class RandomizationModule {}
