import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, Max, Min } from 'class-validator';
import { IsOptionalNotNull, KeepEveryKey } from '../../common/validation';

/** Runs one request may ask for (the command line allows more: it pins no server). */
export const MAX_SIMULATION_RUNS = 10_000;
/**
 * Runs × slots one request may simulate: about half a second of one core on this machine
 * (measured: 1,000,000 allocations in 0.5 s, 2,000,000 in 0.8 to 1.1 s), so that a request
 * cannot hold the CPU for more than a second or two.
 */
export const MAX_SIMULATED_ALLOCATIONS_PER_REQUEST = 1_000_000;
/** The longest list a variant may describe. */
export const MAX_SIMULATED_SLOTS = 10_000;

export class SimulateListDto {
  @ApiPropertyOptional({
    description:
      `Lists to draw, 1 to ${MAX_SIMULATION_RUNS}; runs × slots at most ` +
      `${MAX_SIMULATED_ALLOCATIONS_PER_REQUEST}. Default: ${MAX_SIMULATION_RUNS}, or as many as that bound allows.`,
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_SIMULATION_RUNS,
  })
  @IsOptionalNotNull()
  @IsInt({ message: `runs must be a whole number from 1 to ${MAX_SIMULATION_RUNS}` })
  @Min(1, { message: `runs must be a whole number from 1 to ${MAX_SIMULATION_RUNS}` })
  @Max(MAX_SIMULATION_RUNS, {
    message: `runs must be a whole number from 1 to ${MAX_SIMULATION_RUNS}`,
  })
  runs?: number;

  @ApiPropertyOptional({
    description:
      "A variant of the trial file's list method section (`randomization`), checked by the same " +
      'rules against the trial’s targets: `method` ("simple" or "permuted-blocks"), `blockSizes` ' +
      '(permuted blocks: multiples of the ratio total that fill the list exactly), `slotsPerStratum` ' +
      `(default: the target size; at most ${MAX_SIMULATED_SLOTS}). Absent: the trial’s own design.`,
    type: 'object',
    additionalProperties: true,
    example: { method: 'permuted-blocks', blockSizes: [4, 6], slotsPerStratum: 24 },
  })
  @IsOptionalNotNull()
  @IsObject({ message: 'design must be an object like the trial file’s randomization section' })
  @KeepEveryKey()
  design?: Record<string, unknown>;
}

export class SimulatedTargetDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) ratio!: number;
}

export class SimulatedDesignDto {
  @ApiProperty({ enum: ['simple', 'permuted-blocks'] }) method!: string;
  @ApiProperty({ type: [Number], description: 'Permuted blocks only; empty for simple' })
  blockSizes!: number[];
  @ApiProperty({ type: 'integer' }) slotsPerStratum!: number;
}

export class EnrolmentStatsDto {
  @ApiProperty({ type: 'integer', description: 'k: after this many enrolments' })
  enrolled!: number;
  @ApiProperty({ description: 'Mean imbalance over the runs' }) meanImbalance!: number;
  @ApiProperty({ type: 'integer' }) maxImbalance!: number;
  @ApiProperty({
    type: [Number],
    description: 'imbalanceShare[d]: share of runs whose imbalance is exactly d',
  })
  imbalanceShare!: number[];
  @ApiProperty({ description: 'P(right): the observer guesses the k-th allocation right' })
  correctGuess!: number;
  @ApiProperty({ description: 'Expected share of right guesses among the first k' })
  cumulativeCorrectGuess!: number;
}

export class BlockCountDto {
  @ApiProperty({ type: 'integer' }) size!: number;
  @ApiProperty({ description: 'Mean number of blocks of this size per list' }) mean!: number;
}

/** The figures of `list simulate`, for freshly drawn seeds: nothing of the generated list. */
export class ListSimulationDto {
  @ApiProperty({
    enum: ['trial', 'variant'],
    description: 'The trial file’s design, or the variant sent in `design`',
  })
  source!: 'trial' | 'variant';
  @ApiProperty({ type: SimulatedDesignDto }) design!: SimulatedDesignDto;
  @ApiProperty({ type: [SimulatedTargetDto], description: 'The trial’s targets and ratio' })
  targets!: SimulatedTargetDto[];
  @ApiProperty({ type: 'integer' }) runs!: number;
  @ApiProperty({
    description:
      'The simulation’s own random seed, drawn for this request and unrelated to the list’s; ' +
      '`list simulate --seed` with it reproduces these figures',
  })
  seed!: string;
  @ApiProperty({ type: 'integer', description: 'Slots per list' }) slots!: number;
  @ApiProperty({
    type: [EnrolmentStatsDto],
    description: 'Every k for lists of up to 40 slots; for longer ones the first ten, then spaced',
  })
  enrolments!: EnrolmentStatsDto[];
  @ApiProperty() expectedCorrectGuesses!: number;
  @ApiProperty() correctGuessShare!: number;
  @ApiProperty({ description: 'Guessing the most frequent target blindly' })
  chanceShare!: number;
  @ApiProperty({ type: [BlockCountDto], description: 'Permuted blocks only' })
  meanBlocksPerList!: BlockCountDto[];
}
