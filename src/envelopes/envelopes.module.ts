import { Module } from '@nestjs/common';
import { RandomizationModule } from '../randomization/randomization.module';
import { EnvelopesController } from './envelopes.controller';
import { EnvelopesRepository } from './envelopes.repository';
import { EnvelopesService } from './envelopes.service';

@Module({
  imports: [RandomizationModule],
  controllers: [EnvelopesController],
  providers: [EnvelopesService, EnvelopesRepository],
  exports: [EnvelopesService],
})
export class EnvelopesModule {}
