import { Module } from '@nestjs/common';
import { RandomizationModule } from '../randomization/randomization.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [RandomizationModule],
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
