import { Module } from '@nestjs/common';
import { ParticipantsModule } from '../participants/participants.module';
import { BlindingAssessmentController } from './blinding-assessment.controller';
import { BlindingAssessmentService } from './blinding-assessment.service';
import { GuessesRepository } from './guesses.repository';

@Module({
  imports: [ParticipantsModule],
  controllers: [BlindingAssessmentController],
  providers: [BlindingAssessmentService, GuessesRepository],
  exports: [GuessesRepository],
})
export class BlindingAssessmentModule {}
