import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OperationalStateReader } from './operational-state.reader';

/** Metrics of this app instance; MetricsService is global so that services can count events. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, OperationalStateReader],
  exports: [MetricsService],
})
export class ObservabilityModule {}
