import {
  DEFAULT_EFRON_P,
  DEFAULT_MAX_IMBALANCE,
  RandomizationDesign,
  TrialDefinition,
} from '../config/trial-definition';
import { ListDesignError } from './list-generator';
import { PerListEstimates, simulateDesign } from './list-simulation';
import { exactDesignFigures } from './list-simulation-exact';

/**
 * Designs side by side (`list simulate`, and the server's simulation for the web's list screen):
 * for each, what a pharmacist who sees every allocation and guesses the arm behind gets right,
 * how far the arms drift apart, and how often the list ends balanced, each by Monte Carlo with
 * its standard error and, where the design is small enough, exactly (list-simulation-exact.ts).
 * Every design draws its runs from the same stream seeds (`${seed}/run-${r}`), so the trial's own
 * row repeats the detailed table's figures.
 */
export interface ExactSummary {
  correctGuessShare: number;
  meanMaxImbalance: number;
  worstImbalance: number;
  endBalanced: number;
}

export interface ComparedDesign {
  design: RandomizationDesign;
  runs: number;
  simulated: PerListEstimates;
  /** Null when the design's state space is too large to compute exactly. */
  exact: ExactSummary | null;
}

type Allocation = Pick<TrialDefinition, 'allocation'>['allocation'];

/**
 * The designs a statistician would weigh against `design` for these targets, `design` first:
 * permuted blocks of W and 2W (2 and 4 for 1:1), Efron's biased coin (p = 2/3) and the big stick
 * (b = 3) when the trial is two targets in 1:1, and simple randomization. Designs that cannot
 * fill the list are left out, and so is any that repeats `design`.
 */
export function designsToCompare(
  allocation: Allocation,
  design: RandomizationDesign,
): RandomizationDesign[] {
  const ratios = allocation.targets.map((t) => t.ratio);
  const total = ratios.reduce((a, b) => a + b, 0);
  const slots = design.slotsPerStratum;
  const alternatives: RandomizationDesign[] = [];
  if (slots % total === 0) {
    alternatives.push({
      method: 'permuted-blocks',
      blockSizes: [total, 2 * total],
      slotsPerStratum: slots,
    });
  }
  if (ratios.length === 2 && ratios[0] === ratios[1]) {
    alternatives.push(
      { method: 'efron-biased-coin', blockSizes: [], slotsPerStratum: slots, p: DEFAULT_EFRON_P },
      {
        method: 'big-stick',
        blockSizes: [],
        slotsPerStratum: slots,
        maxImbalance: DEFAULT_MAX_IMBALANCE,
      },
    );
  }
  alternatives.push({ method: 'simple', blockSizes: [], slotsPerStratum: slots });
  const key = (d: RandomizationDesign): string =>
    JSON.stringify([d.method, [...d.blockSizes].sort((a, b) => a - b), d.p, d.maxImbalance]);
  const seen = new Set([key(design)]);
  return [
    design,
    ...alternatives.filter((d) => {
      if (seen.has(key(d))) return false;
      seen.add(key(d));
      return true;
    }),
  ];
}

export function compareDesigns(
  allocation: Allocation,
  designs: readonly RandomizationDesign[],
  options: { runs: number; seed: string },
): ComparedDesign[] {
  if (designs.length === 0) throw new ListDesignError('Nothing to compare');
  return designs.map((design) => {
    const listDesign = { allocation, randomization: design };
    const simulated = simulateDesign(listDesign, {
      runs: options.runs,
      seed: options.seed,
      reportAt: [design.slotsPerStratum],
    });
    const exact = exactDesignFigures(listDesign);
    return {
      design,
      runs: options.runs,
      simulated: simulated.perList,
      exact: exact && {
        correctGuessShare: exact.correctGuessShare,
        meanMaxImbalance: exact.meanMaxImbalance,
        worstImbalance: exact.worstImbalance,
        endBalanced: exact.endBalanced,
      },
    };
  });
}

/** A design in a few words, for the command line: `permuted blocks 2, 4`, `Efron p = 2/3`. */
export function designLabel(design: RandomizationDesign): string {
  switch (design.method) {
    case 'simple':
      return 'simple randomization';
    case 'permuted-blocks':
      return `permuted blocks ${[...design.blockSizes].sort((a, b) => a - b).join(', ')}`;
    case 'efron-biased-coin':
      return `Efron biased coin p = ${fraction(design.p ?? Number.NaN)}`;
    case 'big-stick':
      return `big stick b = ${design.maxImbalance}`;
    default: {
      const unknown: never = design.method;
      return String(unknown);
    }
  }
}

/** 2/3 for the double nearest 2/3; the number itself when no small fraction is it. */
export function fraction(value: number): string {
  for (let denominator = 2; denominator <= 12; denominator += 1) {
    const numerator = Math.round(value * denominator);
    if (numerator / denominator === value && numerator % denominator !== 0) {
      return `${numerator}/${denominator}`;
    }
  }
  return String(value);
}
