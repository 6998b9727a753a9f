import { Module } from '@nestjs/common';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { ParticipantsModule } from '../participants/participants.module';
import { AllocationController } from './allocation.controller';
import { AllocationService } from './allocation.service';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

/**
 * RandomizationService comes from the global RandomizationModule. AllocationService is exported
 * for the training reset's deleteAllForTrainingReset (the idempotency keys).
 */
@Module({
  imports: [ParticipantsModule, EnvelopesModule],
  controllers: [AllocationController],
  providers: [AllocationService, IdempotencyKeysRepository],
  exports: [AllocationService],
})
export class AllocationModule {}
