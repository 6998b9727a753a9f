import { Module } from '@nestjs/common';
import { RandomizationController } from './randomization.controller';
import { RandomizationService } from './randomization.service';

@Module({
  controllers: [RandomizationController],
  providers: [RandomizationService],
  exports: [RandomizationService],
})
export class RandomizationModule {}
