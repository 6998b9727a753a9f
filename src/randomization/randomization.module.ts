import { Global, Module } from '@nestjs/common';
import { AllocationModule } from '../allocation/allocation.module';
import { BlindingAssessmentModule } from '../blinding-assessment/blinding-assessment.module';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { ParticipantsModule } from '../participants/participants.module';
import { UnblindingModule } from '../unblinding/unblinding.module';
import { ListSimulationService } from './list-simulation.service';
import { SimulationThread } from './list-simulation-thread';
import { RandomizationListRepository } from './randomization-list.repository';
import { RandomizationController } from './randomization.controller';
import { RandomizationService } from './randomization.service';
import { TrainingResetService } from './training-reset.service';

/**
 * Global: allocation, unblinding, envelopes, the blinding assessment, the trial's status and the
 * health checks all use the list, through RandomizationService's intents; the list's repository
 * stays inside the module. It imports the modules whose tables a training reset clears, through
 * their services' deleteAllForTrainingReset. The reset is TrainingResetService, apart from
 * RandomizationService: those services use RandomizationService, so in it the reset would be a
 * cycle.
 */
@Global()
@Module({
  imports: [
    ParticipantsModule,
    AllocationModule,
    UnblindingModule,
    BlindingAssessmentModule,
    EnvelopesModule,
  ],
  controllers: [RandomizationController],
  providers: [
    RandomizationService,
    TrainingResetService,
    ListSimulationService,
    // A plain class (the worker loads its file and no Nest); its worker ends with the app.
    { provide: SimulationThread, useFactory: () => new SimulationThread() },
    RandomizationListRepository,
  ],
  exports: [RandomizationService],
})
export class RandomizationModule {}
