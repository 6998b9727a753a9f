import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RandomizationModule } from '../randomization/randomization.module';
import { BlindingRegisterService } from './blinding-register.service';
import { UnblindingController } from './unblinding.controller';
import { UnblindingService } from './unblinding.service';

@Module({
  imports: [AuthModule, RandomizationModule],
  controllers: [UnblindingController],
  providers: [UnblindingService, BlindingRegisterService],
})
export class UnblindingModule {}
