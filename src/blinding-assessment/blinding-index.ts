/**
 * Bang's blinding index (Bang, Ni & Davis, Control Clin Trials 2004;25:143-56), computed per arm
 * from the arm's row of the 2x3 table "true arm x guess (this arm, the other arm, don't know)".
 * Plain functions, no framework: docs/blinding-assessment.md gives the formula and a worked
 * example that blinding-index.spec.ts checks.
 *
 * Within-participant design (NCT02286011): every participant gets the cells in one leg and saline
 * in the other, so the "arm" of a participant is the leg that got the cells (LEFT or RIGHT), and
 * every guess is a guess of that leg. A guess is correct when it names that leg, incorrect when it
 * names another target, and "don't know" otherwise.
 */

/** The answer of a guesser who does not know: neither correct nor incorrect. */
export const DONT_KNOW = 'DONT_KNOW';

/** The two-sided 95% normal quantile, z(0.975). */
export const Z_95 = 1.959963984540054;

export interface GuessCounts {
  correct: number;
  incorrect: number;
  dontKnow: number;
}

/** Why a figure could not be computed, in words a statistician reports as such. */
export type NotEstimable = 'NO_GUESSES' | 'ZERO_VARIANCE';

export interface BangIndex extends GuessCounts {
  /** correct + incorrect + dontKnow. */
  n: number;
  /** (correct - incorrect) / n, in [-1, 1]; null when n = 0. */
  index: number | null;
  /** sqrt(Var), Bang's multinomial variance; null when n = 0. */
  standardError: number | null;
  /**
   * The Wald interval index ± z × SE, bounded to [-1, 1] (the index cannot leave it); null when
   * n = 0, or when the variance estimate is 0 (every guess in one category: all correct, all
   * incorrect or all don't know), where the Wald interval would collapse to a point and claim a
   * certainty the data do not give.
   */
  ci95: { lower: number; upper: number } | null;
  /** Set when the index or its interval is not estimable, and why. */
  notEstimable: NotEstimable | null;
}

/**
 * Bang's index for one arm.
 *
 *   n   = correct + incorrect + dontKnow
 *   BI  = (2 × correct / (correct + incorrect) − 1) × (correct + incorrect) / n
 *       = (correct − incorrect) / n
 *   Var = [p1(1 − p1) + p2(1 − p2) + 2 p1 p2] / n,   p1 = correct / n, p2 = incorrect / n
 *       = [p1 + p2 − BI²] / n
 *
 * The first form of BI (as the paper writes it) is 0/0 when every answer is "don't know"; the
 * simplified form gives the paper's intended 0 there without a division by zero.
 */
export function bangIndex(counts: GuessCounts, z: number = Z_95): BangIndex {
  assertCount(counts.correct, 'correct');
  assertCount(counts.incorrect, 'incorrect');
  assertCount(counts.dontKnow, 'dontKnow');
  const n = counts.correct + counts.incorrect + counts.dontKnow;
  const base = { ...pick(counts), n };
  if (n === 0) {
    return { ...base, index: null, standardError: null, ci95: null, notEstimable: 'NO_GUESSES' };
  }
  const p1 = counts.correct / n;
  const p2 = counts.incorrect / n;
  const index = (counts.correct - counts.incorrect) / n;
  // p1 + p2 - BI² >= 0 always (it is the sum of non-negative terms above); the max() only keeps
  // a rounding error of the subtraction from going below 0.
  const variance = Math.max(0, (p1 * (1 - p1) + p2 * (1 - p2) + 2 * p1 * p2) / n);
  const standardError = Math.sqrt(variance);
  if (variance === 0) {
    return { ...base, index, standardError, ci95: null, notEstimable: 'ZERO_VARIANCE' };
  }
  return {
    ...base,
    index,
    standardError,
    ci95: {
      lower: Math.max(-1, index - z * standardError),
      upper: Math.min(1, index + z * standardError),
    },
    notEstimable: null,
  };
}

/** One guess of which target a participant got, with the target they really got. */
export interface ScoredGuess {
  truth: string;
  guess: string;
}

/** One arm's index: the arm is a trial target (for NCT02286011 the leg that got the cells). */
export interface ArmIndex extends BangIndex {
  arm: string;
}

/**
 * The per-arm table of a set of guesses and each arm's index, arms in the order given (the
 * trial's targets). A guess whose truth is not one of `arms` is a programming error.
 */
export function bangIndexByArm(
  arms: readonly string[],
  guesses: readonly ScoredGuess[],
  z: number = Z_95,
): ArmIndex[] {
  const counts = new Map<string, GuessCounts>(
    arms.map((arm) => [arm, { correct: 0, incorrect: 0, dontKnow: 0 }]),
  );
  for (const { truth, guess } of guesses) {
    const row = counts.get(truth);
    if (!row) throw new Error(`A guess about a participant of an unknown arm ${truth}`);
    if (guess === DONT_KNOW) row.dontKnow += 1;
    else if (guess === truth) row.correct += 1;
    else row.incorrect += 1;
  }
  return arms.map((arm) => ({ arm, ...bangIndex(counts.get(arm)!, z) }));
}

function pick(counts: GuessCounts): GuessCounts {
  return { correct: counts.correct, incorrect: counts.incorrect, dontKnow: counts.dontKnow };
}

function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of guesses, not ${value}`);
  }
}
