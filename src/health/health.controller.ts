import { Controller, Get, Header, Inject } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/decorators';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../runtime';
import { HealthDto, LivenessDto, NotReadyBodyDto, ReadinessDto } from './dto/health.dto';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ operationId: 'getHealth', summary: 'Liveness: the server answers' })
  @ApiOkResponse({ type: HealthDto })
  health(): HealthDto {
    return { status: 'ok', training: this.config.training };
  }

  @Get('live')
  @Public()
  @ApiOperation({
    operationId: 'getLiveness',
    summary:
      'Liveness probe: the process answers (it checks nothing else, so a restart cannot cure it)',
  })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness probe: the database takes a write, the list is intact, the keys match',
    description:
      'Each check is reported with a sentence. 503 NOT_READY names the failing checks in ' +
      '`failing` and in the message; send no work to this server until it answers 200.',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: NotReadyBodyDto, description: 'A check failed' })
  async ready(): Promise<ReadinessDto> {
    return { status: 'ready', checks: await this.readiness.check() };
  }
}
