import { Module } from '@nestjs/common';
import { EnvelopesModule } from '../envelopes/envelopes.module';
import { ParticipantsModule } from '../participants/participants.module';
import { AllocationController } from './allocation.controller';
import { AllocationService } from './allocation.service';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

/** RandomizationService and the list's repository come from the global RandomizationModule. */
@Module({
  imports: [ParticipantsModule, EnvelopesModule],
  controllers: [AllocationController],
  providers: [AllocationService, IdempotencyKeysRepository],
  exports: [IdempotencyKeysRepository],
})
export class AllocationModule {}
