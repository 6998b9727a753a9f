import { Module } from '@nestjs/common';
import { ParticipantsModule } from '../participants/participants.module';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesRepository } from './envelopes.repository';
import { EnvelopesService } from './envelopes.service';

@Module({
  imports: [ParticipantsModule],
  controllers: [EnvelopesController],
  providers: [EnvelopesService, EnvelopesRepository],
  exports: [EnvelopesService],
})
export class EnvelopesModule {}
