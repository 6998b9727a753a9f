import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../common/decorators';
import { AcceptsMetricsToken } from './metrics-token';
import { MetricsService } from './metrics.service';
import { OperationalStateReader } from './operational-state.reader';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly state: OperationalStateReader,
  ) {}

  @Get()
  @Roles('admin')
  @AcceptsMetricsToken()
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics, in the text exposition format (admin, or METRICS_TOKEN)',
    description:
      'Granted to admin, and to `Authorization: Bearer <METRICS_TOKEN>` when that variable is set ' +
      '(a scraper needs no user account). Allocation latency, refusals by kind and code, failed ' +
      'sign-ins, outbox backlog and age, audit entries, age of the last signed checkpoint; no ' +
      'label carries a participant, a user, a limb or a seed (docs/operations.md, "Metrics").',
  })
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    const text = await this.metrics.render(await this.state.read());
    response.setHeader('Content-Type', this.metrics.contentType);
    return text;
  }
}
