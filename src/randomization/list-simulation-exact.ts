import { isSequentialMethod, ListDesign, ListDesignError } from './list-generator';
import { convergenceGuessCorrect, imbalance } from './list-simulation';

/**
 * Exact figures of a list design by dynamic programming over its states, step by step: the
 * probability of every (design state, counts so far, largest imbalance so far) after k slots.
 * No sampling, so no Monte-Carlo error; the only rounding is that of adding doubles. The design's
 * own state is nothing for simple randomization, Efron's biased coin and the big stick (their
 * next draw depends on the counts alone), and (slots left after the current block, what the
 * current block still holds) for permuted blocks: a random permutation of a block gives its
 * next position each remaining target with probability (copies left) / (positions left).
 *
 * States merge whenever they agree, so for 1:1 designs the state is in effect (imbalance, step,
 * largest imbalance): a 20-slot list takes a few hundred states per step. Designs whose state
 * space outgrows MAX_EXACT_STATES (simple randomization of long lists, three targets) get null,
 * and the caller reports the Monte-Carlo figures alone.
 */
export interface ExactDesignFigures {
  /** Expected right guesses of the convergence-strategy observer over the list, and the share. */
  expectedCorrectGuesses: number;
  correctGuessShare: number;
  /** Per slot k (index k − 1): P(the k-th guess is right). */
  correctGuessAt: number[];
  /** E[max over k of the imbalance after k slots]. */
  meanMaxImbalance: number;
  /** The largest imbalance any list of the design can reach. */
  worstImbalance: number;
  /** maxImbalanceShare[d]: P(the largest imbalance over the list is exactly d). */
  maxImbalanceShare: number[];
  /** P(the list ends exactly on the ratio: imbalance 0 after the last slot). */
  endBalanced: number;
  /** The most states held at one step: what the computation cost. */
  peakStates: number;
}

/** States held at one step beyond which the design is not computed exactly. */
export const MAX_EXACT_STATES = 10_000;
/** States visited over the whole list beyond which the design is not computed exactly. */
export const MAX_EXACT_WORK = 100_000;

interface State {
  /** The design's own state (permuted blocks: `${left after block}|${block remainder}`). */
  design: string;
  counts: number[];
  maxImbalance: number;
  probability: number;
}

interface Step {
  target: number;
  probability: number;
  design: string;
}

export function exactDesignFigures(design: ListDesign): ExactDesignFigures | null {
  const ratios = design.allocation.targets.map((t) => t.ratio);
  const slots = design.randomization.slotsPerStratum;
  const transitions = transitionsOf(design, ratios);
  let states = new Map<string, State>([
    [
      initialDesignState(design, slots),
      {
        design: initialDesignState(design, slots),
        counts: ratios.map(() => 0),
        maxImbalance: 0,
        probability: 1,
      },
    ],
  ]);
  const correctGuessAt: number[] = [];
  let peakStates = 1;
  let work = 0;
  for (let k = 0; k < slots; k += 1) {
    const next = new Map<string, State>();
    let correct = 0;
    for (const state of states.values()) {
      for (const step of transitions(state.design, state.counts)) {
        const mass = state.probability * step.probability;
        if (mass === 0) continue;
        correct += mass * convergenceGuessCorrect(state.counts, ratios, step.target);
        const counts = [...state.counts];
        counts[step.target] += 1;
        const maxImbalance = Math.max(state.maxImbalance, imbalance(counts, ratios));
        const key = `${step.design}/${counts.join(',')}/${maxImbalance}`;
        const held = next.get(key);
        if (held) held.probability += mass;
        else next.set(key, { design: step.design, counts, maxImbalance, probability: mass });
      }
    }
    correctGuessAt.push(correct);
    work += next.size;
    peakStates = Math.max(peakStates, next.size);
    if (next.size > MAX_EXACT_STATES || work > MAX_EXACT_WORK) return null;
    states = next;
  }
  const maxImbalanceShare: number[] = [];
  let endBalanced = 0;
  for (const state of states.values()) {
    while (maxImbalanceShare.length <= state.maxImbalance) maxImbalanceShare.push(0);
    maxImbalanceShare[state.maxImbalance] += state.probability;
    if (imbalance(state.counts, ratios) === 0) endBalanced += state.probability;
  }
  const expectedCorrectGuesses = correctGuessAt.reduce((a, b) => a + b, 0);
  return {
    expectedCorrectGuesses,
    correctGuessShare: expectedCorrectGuesses / slots,
    correctGuessAt,
    meanMaxImbalance: maxImbalanceShare.reduce((sum, p, d) => sum + p * d, 0),
    worstImbalance: maxImbalanceShare.length - 1,
    maxImbalanceShare,
    endBalanced,
    peakStates,
  };
}

function initialDesignState(design: ListDesign, slots: number): string {
  return design.randomization.method === 'permuted-blocks'
    ? `${slots}|${design.allocation.targets.map(() => 0).join(',')}`
    : '';
}

type Transitions = (designState: string, counts: number[]) => Step[];

/** The next slot's distribution, exactly as list-generator.ts draws it (docs/randomization.md). */
function transitionsOf(design: ListDesign, ratios: number[]): Transitions {
  const { method } = design.randomization;
  const total = ratios.reduce((a, b) => a + b, 0);
  if (method === 'simple') {
    const steps = ratios.map((ratio, target) => ({
      target,
      probability: ratio / total,
      design: '',
    }));
    return () => steps;
  }
  if (isSequentialMethod(method)) {
    if (ratios.length !== 2 || ratios[0] !== ratios[1]) {
      throw new ListDesignError(`${method} needs exactly two targets in the ratio 1:1`);
    }
    const { p = Number.NaN, maxImbalance = Number.NaN } = design.randomization;
    return (_, counts) => {
      const d = counts[0] - counts[1];
      let first: number;
      if (d === 0) first = 0.5;
      else if (method === 'big-stick') first = Math.abs(d) < maxImbalance ? 0.5 : d < 0 ? 1 : 0;
      else first = d < 0 ? p : 1 - p;
      return [
        { target: 0, probability: first, design: '' },
        { target: 1, probability: 1 - first, design: '' },
      ];
    };
  }
  const sizes = [...new Set(design.randomization.blockSizes)].sort((a, b) => a - b);
  const slots = design.randomization.slotsPerStratum;
  const fillable = new Uint8Array(slots + 1);
  fillable[0] = 1;
  for (let r = 1; r <= slots; r += 1) {
    fillable[r] = sizes.some((b) => b <= r && fillable[r - b] === 1) ? 1 : 0;
  }
  if (!fillable[slots]) {
    throw new ListDesignError(`Block sizes ${sizes.join(', ')} cannot make ${slots} slots`);
  }
  /** A permutation's next position, given what the block still holds. */
  const fromBlock = (left: number, remainder: number[]): Step[] => {
    const positions = remainder.reduce((a, b) => a + b, 0);
    return remainder.flatMap((copies, target) => {
      if (copies === 0) return [];
      const after = [...remainder];
      after[target] -= 1;
      return [{ target, probability: copies / positions, design: `${left}|${after.join(',')}` }];
    });
  };
  return (designState) => {
    const [leftText, remainderText] = designState.split('|');
    const left = Number(leftText);
    const remainder = remainderText.split(',').map(Number);
    if (remainder.some((copies) => copies > 0)) return fromBlock(left, remainder);
    // A new block: its size uniform among the eligible ones (the ending rule), then its first slot.
    const eligible = sizes.filter((b) => b <= left && fillable[left - b] === 1);
    return eligible.flatMap((size) =>
      fromBlock(
        left - size,
        ratios.map((ratio) => (size / total) * ratio),
      ).map((step) => ({ ...step, probability: step.probability / eligible.length })),
    );
  };
}
