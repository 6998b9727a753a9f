import { Global, Module } from '@nestjs/common';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { ParticipantsModule } from '../participants/participants.module';
import { TrialController } from './trial.controller';
import { TrialRecordService } from './trial-record.service';
import { TrialRepository } from './trial.repository';
import { TrialSetupService } from './trial-setup.service';
import { TrialService } from './trial.service';

/**
 * Global: every action that must not run past a study lock reads the trial's row through
 * TrialRecordService, a service of its own so that the services TrialService reads (participants,
 * envelopes, the list) can read the lock without a cycle. RandomizationService comes from the
 * global RandomizationModule. TrialRepository stays inside the module.
 */
@Global()
@Module({
  imports: [ParticipantsModule, EnvelopesModule],
  controllers: [TrialController],
  providers: [TrialSetupService, TrialService, TrialRecordService, TrialRepository],
  exports: [TrialSetupService, TrialService, TrialRecordService],
})
export class TrialModule {}
