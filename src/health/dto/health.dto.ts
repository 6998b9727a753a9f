import { ApiProperty } from '@nestjs/swagger';
import { READINESS_CHECKS, ReadinessCheckName } from '../readiness';

/** GET /api/health/live: the process answers, nothing more. */
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({
    description:
      'A practice instance for staff training (TRAINING=true): nothing it holds is clinical data',
  })
  training!: boolean;
}

export class ReadinessCheckDto {
  @ApiProperty({ enum: ['pass', 'fail'] }) status!: 'pass' | 'fail';
  @ApiProperty({ description: 'What was checked, or why it failed; never a secret or a limb' })
  detail!: string;
}

export class ReadinessChecksDto {
  @ApiProperty({ description: 'An empty write transaction committed', type: ReadinessCheckDto })
  database!: ReadinessCheckDto;
  @ApiProperty({
    description: 'The stored list has not failed its integrity check',
    type: ReadinessCheckDto,
  })
  list!: ReadinessCheckDto;
  @ApiProperty({
    description: 'The blinding and audit signing keys match the database',
    type: ReadinessCheckDto,
  })
  keys!: ReadinessCheckDto;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ready'] }) status!: 'ready';
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}

export class NotReadyBodyDto {
  @ApiProperty({ example: 503 }) statusCode!: number;
  @ApiProperty({ example: 'Service Unavailable' }) error!: string;
  @ApiProperty({ enum: ['NOT_READY'] }) code!: 'NOT_READY';
  @ApiProperty({ description: 'A sentence naming each failing check' }) message!: string;
  @ApiProperty({ enum: READINESS_CHECKS, isArray: true, description: 'The failing checks' })
  failing!: ReadinessCheckName[];
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}
