import { Module } from '@nestjs/common';
import { TrialSetupService } from './trial-setup.service';

@Module({
  providers: [TrialSetupService],
  exports: [TrialSetupService],
})
export class TrialModule {}
