import { Module } from '@nestjs/common';
import { ParticipantsModule } from '../participants/participants.module';
import { UsersModule } from '../users/users.module';
import { BlindingAssessmentController } from './blinding-assessment.controller';
import { BlindingAssessmentService } from './blinding-assessment.service';
import { GuessesRepository } from './guesses.repository';

@Module({
  imports: [ParticipantsModule, UsersModule],
  controllers: [BlindingAssessmentController],
  providers: [BlindingAssessmentService, GuessesRepository],
  exports: [BlindingAssessmentService],
})
export class BlindingAssessmentModule {}
