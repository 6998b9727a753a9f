import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ParticipantsModule } from '../participants/participants.module';
import { BlindingRegisterService } from './blinding-register.service';
import { UnblindingController } from './unblinding.controller';
import { UnblindingReviewsRepository } from './unblinding-reviews.repository';
import { UnblindingService } from './unblinding.service';

/**
 * RandomizationService comes from the global RandomizationModule. UnblindingService is exported
 * for the training reset's deleteAllForTrainingReset (the reviews).
 */
@Module({
  imports: [AuthModule, ParticipantsModule],
  controllers: [UnblindingController],
  providers: [UnblindingService, BlindingRegisterService, UnblindingReviewsRepository],
  exports: [UnblindingService],
})
export class UnblindingModule {}
