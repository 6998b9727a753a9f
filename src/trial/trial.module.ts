import { Module } from '@nestjs/common';
import { TrialController } from './trial.controller';
import { TrialSetupService } from './trial-setup.service';
import { TrialService } from './trial.service';

@Module({
  controllers: [TrialController],
  providers: [TrialSetupService, TrialService],
  exports: [TrialSetupService, TrialService],
})
export class TrialModule {}
