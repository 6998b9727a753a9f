import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, Max, Min } from 'class-validator';
import { IsOptionalNotNull, KeepEveryKey } from '../../common/validation';
import { RANDOMIZATION_METHODS, RandomizationMethod } from '../../config/trial-definition';

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
      'rules against the trial’s targets: `method` ("simple", "permuted-blocks", "efron-biased-coin" ' +
      'or "big-stick"), `blockSizes` (permuted blocks: multiples of the ratio total that fill the ' +
      'list exactly), `p` (Efron: over 0.5, at most 1; default 2/3), `maxImbalance` (big stick: a ' +
      'positive integer; default 3), `slotsPerStratum` ' +
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
  @ApiProperty({ enum: RANDOMIZATION_METHODS }) method!: RandomizationMethod;
  @ApiProperty({ type: [Number], description: 'Permuted blocks only; empty for the others' })
  blockSizes!: number[];
  @ApiProperty({ type: 'integer' }) slotsPerStratum!: number;
  @ApiPropertyOptional({ description: 'Efron’s biased coin only: the chance of the arm behind' })
  p?: number;
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Big stick only: the largest |#A − #B| the list may reach',
  })
  maxImbalance?: number;
}

export class EstimateDto {
  @ApiProperty({ description: 'The mean over the runs' }) mean!: number;
  @ApiProperty({ description: 'Its Monte-Carlo standard error (sample SD / √runs)' })
  standardError!: number;
}

export class PerListEstimatesDto {
  @ApiProperty({
    type: EstimateDto,
    description: 'Share of a list’s slots the observer guessing the arm behind gets right',
  })
  correctGuessShare!: EstimateDto;
  @ApiProperty({ type: EstimateDto, description: 'The largest imbalance a list reaches' })
  maxImbalance!: EstimateDto;
  @ApiProperty({ type: EstimateDto, description: 'The chance a list ends exactly on the ratio' })
  endBalanced!: EstimateDto;
  @ApiProperty({ type: 'integer', description: 'The largest imbalance of any run' })
  worstImbalance!: number;
}

export class ExactSummaryDto {
  @ApiProperty() correctGuessShare!: number;
  @ApiProperty({ description: 'E[largest imbalance of a list]' }) meanMaxImbalance!: number;
  @ApiProperty({ type: 'integer', description: 'The largest imbalance any list can reach' })
  worstImbalance!: number;
  @ApiProperty() endBalanced!: number;
}

export class ComparedDesignDto {
  @ApiProperty({ type: SimulatedDesignDto }) design!: SimulatedDesignDto;
  @ApiProperty({ type: 'integer', description: 'Runs of this design (the same stream seeds)' })
  runs!: number;
  @ApiProperty({ type: PerListEstimatesDto }) simulated!: PerListEstimatesDto;
  @ApiProperty({
    type: ExactSummaryDto,
    nullable: true,
    description: 'Computed over every list the design can give; null when it is too large to',
  })
  exact!: ExactSummaryDto | null;
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
  @ApiProperty({ type: PerListEstimatesDto }) perList!: PerListEstimatesDto;
  @ApiProperty({
    type: [ComparedDesignDto],
    description:
      'The simulated design first, then permuted blocks, Efron’s biased coin (p = 2/3) and the big ' +
      'stick (b = 3) where the targets are 1:1, and simple randomization, side by side; runs per ' +
      'design as many as the request’s bound allows for all of them (at most `runs`)',
  })
  comparison!: ComparedDesignDto[];
}
