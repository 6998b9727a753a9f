import { Module } from '@nestjs/common';
import { RandomizationModule } from '../randomization/randomization.module';
import { AllocationController } from './allocation.controller';
import { AllocationService } from './allocation.service';

@Module({
  imports: [RandomizationModule],
  controllers: [AllocationController],
  providers: [AllocationService],
})
export class AllocationModule {}
