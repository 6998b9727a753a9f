import { Module } from '@nestjs/common';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { TrialController } from './trial.controller';
import { TrialSetupService } from './trial-setup.service';
import { TrialService } from './trial.service';

@Module({
  imports: [EnvelopesModule],
  controllers: [TrialController],
  providers: [TrialSetupService, TrialService],
  exports: [TrialSetupService, TrialService],
})
export class TrialModule {}
