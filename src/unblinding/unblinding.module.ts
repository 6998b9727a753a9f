import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ParticipantsModule } from '../participants/participants.module';
import { BlindingRegisterService } from './blinding-register.service';
import { UnblindingController } from './unblinding.controller';
import { UnblindingReviewsRepository } from './unblinding-reviews.repository';
import { UnblindingService } from './unblinding.service';

/** RandomizationService comes from the global RandomizationModule. */
@Module({
  imports: [AuthModule, ParticipantsModule],
  controllers: [UnblindingController],
  providers: [UnblindingService, BlindingRegisterService, UnblindingReviewsRepository],
  exports: [UnblindingReviewsRepository],
})
export class UnblindingModule {}
