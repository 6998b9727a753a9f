import {
  generateStratumBlocks,
  generateStratumTargets,
  ListDesign,
  ListDesignError,
} from './list-generator';

/**
 * Balance and predictability of a list design over many seeds, so that a statistician can compare
 * designs before generating the real list. Pure computation; `list simulate` prints it.
 *
 * Imbalance after k enrolments, with counts c_i and ratios w_i: the largest |w_j*c_i - w_i*c_j|
 * over pairs of targets. For 1:1 that is |#A - #B|; for any ratio it is 0 exactly when the
 * counts are in the design's ratio.
 *
 * Predictability: an observer who knows every earlier allocation guesses the next one as the
 * target furthest behind its share (smallest c_i / w_i; for 1:1 the arm with fewer allocations),
 * choosing at random among ties (Blackwell and Hodges' convergence strategy). The probability
 * that the guess is right is computed exactly for each slot (1/|ties| when the slot's target is
 * among the ties, else 0), then averaged over runs.
 */
export interface SimulationOptions {
  runs: number;
  /** Run r (0-based) draws one stratum's list from the stream seeded with `${seed}/run-${r}`. */
  seed: string;
  /** Enrolment counts (1-based) to report; every count 1..slots by default. */
  reportAt?: number[];
}

export interface EnrolmentStats {
  enrolled: number;
  meanImbalance: number;
  maxImbalance: number;
  /** imbalanceShare[d]: share of runs whose imbalance is exactly d after `enrolled` allocations. */
  imbalanceShare: number[];
  /** Probability that the observer guesses the `enrolled`-th allocation right. */
  correctGuess: number;
  /** Expected share of right guesses among the first `enrolled` allocations. */
  cumulativeCorrectGuess: number;
}

export interface DesignSimulation {
  runs: number;
  seed: string;
  slots: number;
  enrolments: EnrolmentStats[];
  /** Expected number of right guesses over the whole list, and as a share of its slots. */
  expectedCorrectGuesses: number;
  correctGuessShare: number;
  /** What an observer with no information scores by always guessing the most frequent target. */
  chanceShare: number;
  /** Permuted blocks only: mean number of blocks of each size per list. */
  meanBlocksPerList: { size: number; mean: number }[];
  /** Figures of each whole list, averaged over the runs with their Monte-Carlo standard errors. */
  perList: PerListEstimates;
}

/** A mean over the runs and its Monte-Carlo standard error (sample SD / √runs; 0 for one run). */
export interface Estimate {
  mean: number;
  standardError: number;
}

export interface PerListEstimates {
  /** The share of the list's slots the convergence-strategy observer guesses right. */
  correctGuessShare: Estimate;
  /** The largest imbalance the list reaches at any k. */
  maxImbalance: Estimate;
  /** Whether the list ends exactly on the ratio (1 or 0): the mean is the chance of it. */
  endBalanced: Estimate;
  /** The largest imbalance reached by any run. */
  worstImbalance: number;
}

/** Running sums of one per-list figure. */
class Accumulator {
  private sum = 0;
  private squares = 0;
  private n = 0;

  add(value: number): void {
    this.sum += value;
    this.squares += value * value;
    this.n += 1;
  }

  estimate(): Estimate {
    const mean = this.sum / this.n;
    if (this.n < 2) return { mean, standardError: 0 };
    const variance = Math.max(0, (this.squares - this.n * mean * mean) / (this.n - 1));
    return { mean, standardError: Math.sqrt(variance / this.n) };
  }
}

/** Runs per slot above which a simulation would take minutes; the caller should ask for fewer. */
export const MAX_SIMULATED_ALLOCATIONS = 50_000_000;

export function simulateDesign(design: ListDesign, options: SimulationOptions): DesignSimulation {
  const { runs, seed } = options;
  const slots = design.randomization.slotsPerStratum;
  if (!Number.isInteger(runs) || runs < 1) throw new ListDesignError('runs must be at least 1');
  if (runs * slots > MAX_SIMULATED_ALLOCATIONS) {
    throw new ListDesignError(
      `${runs} runs of ${slots} slots exceed ${MAX_SIMULATED_ALLOCATIONS} simulated allocations; ask for fewer runs`,
    );
  }
  const reportAt = options.reportAt ?? Array.from({ length: slots }, (_, i) => i + 1);
  for (const k of reportAt) {
    if (!Number.isInteger(k) || k < 1 || k > slots) {
      throw new ListDesignError(`Cannot report after ${k} enrolments of a ${slots}-slot list`);
    }
  }
  const reportIndex = new Map(reportAt.map((k, index) => [k, index]));
  const targetIds = design.allocation.targets.map((t) => t.id);
  const ratios = design.allocation.targets.map((t) => t.ratio);
  const ratioTotal = ratios.reduce((a, b) => a + b, 0);
  const blocked = design.randomization.method === 'permuted-blocks';

  const imbalanceSum = new Float64Array(reportAt.length);
  const imbalanceMax = new Float64Array(reportAt.length);
  const imbalanceCounts: number[][] = reportAt.map(() => []);
  const correctAt = new Float64Array(slots);
  const blockCounts = new Map<number, number>();
  const listCorrect = new Accumulator();
  const listMaxImbalance = new Accumulator();
  const listEndBalanced = new Accumulator();
  let worstImbalance = 0;

  for (let run = 0; run < runs; run += 1) {
    const runSeed = `${seed}/run-${run}`;
    let targets: string[];
    if (blocked) {
      const blocks = generateStratumBlocks(design, runSeed);
      for (const block of blocks) {
        blockCounts.set(block.size, (blockCounts.get(block.size) ?? 0) + 1);
      }
      targets = blocks.flatMap((block) => block.targets);
    } else {
      targets = generateStratumTargets(design, runSeed);
    }
    const counts = ratios.map(() => 0);
    let correct = 0;
    let runMax = 0;
    let d = 0;
    targets.forEach((target, position) => {
      const actual = targetIds.indexOf(target);
      const right = convergenceGuessCorrect(counts, ratios, actual);
      correctAt[position] += right;
      correct += right;
      counts[actual] += 1;
      d = imbalance(counts, ratios);
      runMax = Math.max(runMax, d);
      const report = reportIndex.get(position + 1);
      if (report === undefined) return;
      imbalanceSum[report] += d;
      imbalanceMax[report] = Math.max(imbalanceMax[report], d);
      const histogram = imbalanceCounts[report];
      while (histogram.length <= d) histogram.push(0);
      histogram[d] += 1;
    });
    listCorrect.add(correct / slots);
    listMaxImbalance.add(runMax);
    listEndBalanced.add(d === 0 ? 1 : 0);
    worstImbalance = Math.max(worstImbalance, runMax);
  }

  const cumulative = new Float64Array(slots);
  correctAt.reduce((sum, value, i) => (cumulative[i] = sum + value), 0);
  const expectedCorrectGuesses = cumulative[slots - 1] / runs;
  return {
    runs,
    seed,
    slots,
    enrolments: reportAt.map((k, i) => ({
      enrolled: k,
      meanImbalance: imbalanceSum[i] / runs,
      maxImbalance: imbalanceMax[i],
      imbalanceShare: imbalanceCounts[i].map((count) => count / runs),
      correctGuess: correctAt[k - 1] / runs,
      cumulativeCorrectGuess: cumulative[k - 1] / runs / k,
    })),
    expectedCorrectGuesses,
    correctGuessShare: expectedCorrectGuesses / slots,
    chanceShare: Math.max(...ratios) / ratioTotal,
    meanBlocksPerList: [...blockCounts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([size, count]) => ({ size, mean: count / runs })),
    perList: {
      correctGuessShare: listCorrect.estimate(),
      maxImbalance: listMaxImbalance.estimate(),
      endBalanced: listEndBalanced.estimate(),
      worstImbalance,
    },
  };
}

/** Longer lists are reported at about this many enrolment counts rather than at every one. */
const MAX_ROWS = 40;

/** Every count for short lists; for long ones the first ten, then evenly spaced, then the last. */
export function reportedCounts(slots: number): number[] {
  if (slots <= MAX_ROWS) return Array.from({ length: slots }, (_, i) => i + 1);
  const step = Math.ceil(slots / (MAX_ROWS - 10));
  const counts = new Set<number>(Array.from({ length: 10 }, (_, i) => i + 1));
  for (let k = step; k < slots; k += step) if (k > 10) counts.add(k);
  counts.add(slots);
  return [...counts].sort((a, b) => a - b);
}

/** Largest |w_j*c_i - w_i*c_j| over pairs of targets: |#A - #B| for a 1:1 design. */
export function imbalance(counts: number[], ratios: number[]): number {
  let worst = 0;
  for (let i = 0; i < counts.length; i += 1) {
    for (let j = i + 1; j < counts.length; j += 1) {
      worst = Math.max(worst, Math.abs(ratios[j] * counts[i] - ratios[i] * counts[j]));
    }
  }
  return worst;
}

/**
 * The probability that the convergence-strategy observer guesses `actual` (an index into the
 * targets) right, given the counts so far: 1/|ties| when `actual` is among the targets furthest
 * behind their share, else 0. Shares are compared by cross-multiplying, so there is no rounding.
 */
export function convergenceGuessCorrect(
  counts: number[],
  ratios: number[],
  actual: number,
): number {
  let behind: number[] = [];
  for (let i = 0; i < counts.length; i += 1) {
    if (behind.length === 0) {
      behind = [i];
      continue;
    }
    const lead = behind[0];
    // c_i / w_i compared with c_lead / w_lead without division.
    const difference = counts[i] * ratios[lead] - counts[lead] * ratios[i];
    if (difference < 0) behind = [i];
    else if (difference === 0) behind.push(i);
  }
  return behind.includes(actual) ? 1 / behind.length : 0;
}
