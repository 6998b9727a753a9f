import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BlindingRegisterService } from './blinding-register.service';
import { UnblindingController } from './unblinding.controller';
import { UnblindingService } from './unblinding.service';

@Module({
  imports: [AuthModule],
  controllers: [UnblindingController],
  providers: [UnblindingService, BlindingRegisterService],
})
export class UnblindingModule {}
