import { Module } from '@nestjs/common';
import { ParticipantsModule } from '../participants/participants.module';
import { RandomizationModule } from '../randomization/randomization.module';
import { BlindingAssessmentController } from './blinding-assessment.controller';
import { BlindingAssessmentService } from './blinding-assessment.service';
import { GuessesRepository } from './guesses.repository';

@Module({
  imports: [ParticipantsModule, RandomizationModule],
  controllers: [BlindingAssessmentController],
  providers: [BlindingAssessmentService, GuessesRepository],
})
export class BlindingAssessmentModule {}
