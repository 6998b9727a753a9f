import { Global, Module } from '@nestjs/common';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { ParticipantsModule } from '../participants/participants.module';
import { TrialController } from './trial.controller';
import { TrialRepository } from './trial.repository';
import { TrialSetupService } from './trial-setup.service';
import { TrialService } from './trial.service';

/**
 * Global: every action that must not run past a study lock reads the trial's row through
 * TrialRepository. The list's repository comes from the global RandomizationModule.
 */
@Global()
@Module({
  imports: [ParticipantsModule, EnvelopesModule],
  controllers: [TrialController],
  providers: [TrialSetupService, TrialService, TrialRepository],
  exports: [TrialSetupService, TrialService, TrialRepository],
})
export class TrialModule {}
