import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bangIndex, bangIndexByArm, DONT_KNOW, Z_95 } from './blinding-index';

/**
 * Every figure below was computed by hand from Bang, Ni & Davis (2004):
 * BI = (correct − incorrect) / n, Var = [p1(1 − p1) + p2(1 − p2) + 2 p1 p2] / n with
 * p1 = correct / n and p2 = incorrect / n, CI = BI ± 1.96 × sqrt(Var) bounded to [-1, 1].
 */
describe(bangIndex.name, () => {
  it('is 1 when every guess is correct, with no interval (the variance estimate is 0)', () => {
    expect(bangIndex({ correct: 10, incorrect: 0, dontKnow: 0 })).toEqual({
      correct: 10,
      incorrect: 0,
      dontKnow: 0,
      n: 10,
      index: 1,
      standardError: 0,
      ci95: null,
      notEstimable: 'ZERO_VARIANCE',
    });
  });

  it('is -1 when every guess is wrong, with no interval', () => {
    expect(bangIndex({ correct: 0, incorrect: 7, dontKnow: 0 })).toMatchObject({
      n: 7,
      index: -1,
      standardError: 0,
      ci95: null,
      notEstimable: 'ZERO_VARIANCE',
    });
  });

  it('is 0 when every guesser answers "don\'t know" (the paper\'s first form would be 0/0)', () => {
    const all = bangIndex({ correct: 0, incorrect: 0, dontKnow: 5 });
    expect(all).toMatchObject({ n: 5, index: 0, standardError: 0, ci95: null });
    expect(all.notEstimable).toBe('ZERO_VARIANCE');
    expect(Object.is(all.index, -0)).toBe(false);
  });

  it('is not estimable with no guess at all: null figures, never NaN', () => {
    const none = bangIndex({ correct: 0, incorrect: 0, dontKnow: 0 });
    expect(none).toEqual({
      correct: 0,
      incorrect: 0,
      dontKnow: 0,
      n: 0,
      index: null,
      standardError: null,
      ci95: null,
      notEstimable: 'NO_GUESSES',
    });
    expect(JSON.stringify(none)).not.toMatch(/NaN|Infinity/);
  });

  it('has no interval with a single guess, whatever it is (one category only)', () => {
    for (const counts of [
      { correct: 1, incorrect: 0, dontKnow: 0 },
      { correct: 0, incorrect: 1, dontKnow: 0 },
      { correct: 0, incorrect: 0, dontKnow: 1 },
    ]) {
      expect(bangIndex(counts)).toMatchObject({ n: 1, ci95: null, notEstimable: 'ZERO_VARIANCE' });
    }
  });

  it("computes the worked example of docs/blinding-assessment.md: 6 correct, 1 wrong, 3 don't know", () => {
    // n = 10, BI = (6 − 1) / 10 = 0.5; p1 = 0.6, p2 = 0.1;
    // Var = (0.6 × 0.4 + 0.1 × 0.9 + 2 × 0.6 × 0.1) / 10 = (0.24 + 0.09 + 0.12) / 10 = 0.045;
    // SE = 0.21213; CI = 0.5 ± 1.95996 × 0.21213 = 0.5 ± 0.41577 = [0.08423, 0.91577].
    const left = bangIndex({ correct: 6, incorrect: 1, dontKnow: 3 });
    expect(left.n).toBe(10);
    expect(left.index).toBe(0.5);
    expect(left.standardError).toBeCloseTo(Math.sqrt(0.045), 12);
    expect(left.standardError).toBeCloseTo(0.21213, 5);
    expect(left.ci95?.lower).toBeCloseTo(0.08423, 5);
    expect(left.ci95?.upper).toBeCloseTo(0.91577, 5);
    expect(left.notEstimable).toBeNull();
  });

  it("computes the other arm of the worked example: 2 correct, 3 wrong, 5 don't know", () => {
    // BI = (2 − 3) / 10 = −0.1; p1 = 0.2, p2 = 0.3;
    // Var = (0.16 + 0.21 + 0.12) / 10 = 0.049; SE = 0.22136; CI = −0.1 ± 0.43386.
    const right = bangIndex({ correct: 2, incorrect: 3, dontKnow: 5 });
    expect(right.index).toBeCloseTo(-0.1, 15);
    expect(right.standardError).toBeCloseTo(Math.sqrt(0.049), 12);
    expect(right.ci95?.lower).toBeCloseTo(-0.53386, 5);
    expect(right.ci95?.upper).toBeCloseTo(0.33386, 5);
  });

  it('gives 0 for a coin-toss split, with the widest interval bounded to [-1, 1]', () => {
    // 1 correct, 1 wrong: BI = 0; Var = (0.25 + 0.25 + 0.5) / 2 = 0.5; SE = 0.70711;
    // 0 ± 1.386 leaves [-1, 1] on both sides and is bounded there.
    const split = bangIndex({ correct: 1, incorrect: 1, dontKnow: 0 });
    expect(split.index).toBe(0);
    expect(split.standardError).toBeCloseTo(0.70711, 5);
    expect(split.ci95).toEqual({ lower: -1, upper: 1 });
  });

  it("bounds the interval at 1 when the Wald bound passes it: 9 correct, 1 don't know", () => {
    // BI = 0.9; Var = (0.9 × 0.1) / 10 = 0.009; SE = 0.09487; 0.9 ± 0.18594 = [0.71406, 1.08594].
    const nearly = bangIndex({ correct: 9, incorrect: 0, dontKnow: 1 });
    expect(nearly.index).toBe(0.9);
    expect(nearly.standardError).toBeCloseTo(0.09487, 5);
    expect(nearly.ci95?.lower).toBeCloseTo(0.71406, 5);
    expect(nearly.ci95?.upper).toBe(1);
  });

  it("bounds the interval at -1 the same way: 1 don't know, 9 wrong", () => {
    const wrong = bangIndex({ correct: 0, incorrect: 9, dontKnow: 1 });
    expect(wrong.index).toBe(-0.9);
    expect(wrong.ci95?.lower).toBe(-1);
    expect(wrong.ci95?.upper).toBeCloseTo(-0.71406, 5);
  });

  it('agrees with the published output of the R package BI (Bang et al. 2004 data)', () => {
    // Treatment: 48 guessed treatment, 4 placebo, 330 don't know → 0.115 (0.018) [0.080, 0.150].
    const treatment = bangIndex({ correct: 48, incorrect: 4, dontKnow: 330 });
    expect(treatment.index).toBeCloseTo(0.115, 3);
    expect(treatment.standardError).toBeCloseTo(0.018, 3);
    expect(treatment.ci95?.lower).toBeCloseTo(0.08, 3);
    expect(treatment.ci95?.upper).toBeCloseTo(0.15, 3);
    // Placebo: 30 guessed placebo, 22 treatment, 319 don't know → 0.022 (0.019) [-0.016, 0.060].
    const placebo = bangIndex({ correct: 30, incorrect: 22, dontKnow: 319 });
    expect(placebo.index).toBeCloseTo(0.022, 3);
    expect(placebo.standardError).toBeCloseTo(0.019, 3);
    expect(placebo.ci95?.lower).toBeCloseTo(-0.016, 3);
    expect(placebo.ci95?.upper).toBeCloseTo(0.06, 3);
  });

  it('uses z(0.975) = 1.959964 and takes another quantile when given one', () => {
    expect(Z_95).toBeCloseTo(1.959964, 6);
    const ninety = bangIndex({ correct: 6, incorrect: 1, dontKnow: 3 }, 1.6448536269514722);
    expect(ninety.ci95?.lower).toBeCloseTo(0.5 - 1.6448536 * Math.sqrt(0.045), 6);
  });

  it('refuses counts that are not whole numbers of guesses', () => {
    expect(() => bangIndex({ correct: -1, incorrect: 0, dontKnow: 0 })).toThrow(RangeError);
    expect(() => bangIndex({ correct: 1.5, incorrect: 0, dontKnow: 0 })).toThrow(RangeError);
    expect(() => bangIndex({ correct: NaN, incorrect: 0, dontKnow: 0 })).toThrow(RangeError);
  });

  it('never yields NaN or an infinity for any table up to 6 guesses per category', () => {
    for (let c = 0; c <= 6; c += 1)
      for (let w = 0; w <= 6; w += 1)
        for (let d = 0; d <= 6; d += 1) {
          const result = bangIndex({ correct: c, incorrect: w, dontKnow: d });
          const figures = [
            result.index,
            result.standardError,
            result.ci95?.lower,
            result.ci95?.upper,
          ].filter((x): x is number => typeof x === 'number');
          expect(figures.every(Number.isFinite)).toBe(true);
          if (result.index !== null) {
            expect(result.index).toBeGreaterThanOrEqual(-1);
            expect(result.index).toBeLessThanOrEqual(1);
          }
          if (result.ci95) {
            expect(result.ci95.lower).toBeLessThanOrEqual(result.index!);
            expect(result.ci95.upper).toBeGreaterThanOrEqual(result.index!);
          }
        }
  });
});

describe(bangIndexByArm.name, () => {
  const LEFT = 'LEFT';
  const RIGHT = 'RIGHT';
  const guesses = (truth: string, guess: string, times: number) =>
    Array.from({ length: times }, () => ({ truth, guess }));

  it('scores a guess correct when it names the arm, incorrect when it names the other, and counts "don\'t know" apart', () => {
    // The worked example: cells in the LEFT leg for 10 participants, the RIGHT leg for 10.
    const table = bangIndexByArm(
      [LEFT, RIGHT],
      [
        ...guesses(LEFT, LEFT, 6),
        ...guesses(LEFT, RIGHT, 1),
        ...guesses(LEFT, DONT_KNOW, 3),
        ...guesses(RIGHT, RIGHT, 2),
        ...guesses(RIGHT, LEFT, 3),
        ...guesses(RIGHT, DONT_KNOW, 5),
      ],
    );
    expect(
      table.map(({ arm, correct, incorrect, dontKnow, n }) => ({
        arm,
        correct,
        incorrect,
        dontKnow,
        n,
      })),
    ).toEqual([
      { arm: LEFT, correct: 6, incorrect: 1, dontKnow: 3, n: 10 },
      { arm: RIGHT, correct: 2, incorrect: 3, dontKnow: 5, n: 10 },
    ]);
    expect(table[0].index).toBe(0.5);
    expect(table[1].index).toBeCloseTo(-0.1, 15);
  });

  it('shows a side preference as indices of opposite signs: everyone guesses RIGHT', () => {
    const table = bangIndexByArm(
      [LEFT, RIGHT],
      [...guesses(LEFT, RIGHT, 4), ...guesses(RIGHT, RIGHT, 6)],
    );
    expect(table.map((arm) => arm.index)).toEqual([-1, 1]);
  });

  it('gives every arm a row, an arm without guesses as not estimable', () => {
    const table = bangIndexByArm([LEFT, RIGHT], guesses(LEFT, LEFT, 3));
    expect(table[1]).toMatchObject({ arm: RIGHT, n: 0, index: null, notEstimable: 'NO_GUESSES' });
    expect(bangIndexByArm([LEFT, RIGHT], []).map((arm) => arm.n)).toEqual([0, 0]);
  });

  it('refuses a guess about an arm the trial does not have', () => {
    expect(() => bangIndexByArm([LEFT, RIGHT], [{ truth: 'UP', guess: LEFT }])).toThrow(
      /unknown arm/,
    );
  });
});

describe('docs/blinding-assessment.md', () => {
  // Table cells compared with their padding collapsed, so that Prettier's alignment is free.
  const doc = readFileSync(
    join(__dirname, '..', '..', 'docs', 'blinding-assessment.md'),
    'utf8',
  ).replace(/ +/g, ' ');

  it('prints the worked example with the figures computed here', () => {
    const [left, right] = bangIndexByArm(
      ['LEFT', 'RIGHT'],
      [
        ...Array.from({ length: 6 }, () => ({ truth: 'LEFT', guess: 'LEFT' })),
        { truth: 'LEFT', guess: 'RIGHT' },
        ...Array.from({ length: 3 }, () => ({ truth: 'LEFT', guess: DONT_KNOW })),
        ...Array.from({ length: 2 }, () => ({ truth: 'RIGHT', guess: 'RIGHT' })),
        ...Array.from({ length: 3 }, () => ({ truth: 'RIGHT', guess: 'LEFT' })),
        ...Array.from({ length: 5 }, () => ({ truth: 'RIGHT', guess: DONT_KNOW })),
      ],
    );
    const shown = (x: number | undefined) => (x ?? NaN).toFixed(3);
    for (const arm of [left, right]) {
      const line = `| ${arm.arm} | ${arm.correct} | ${arm.incorrect} | ${arm.dontKnow} | ${arm.n} | ${shown(arm.index ?? undefined)} | ${shown(arm.standardError ?? undefined)} | ${shown(arm.ci95?.lower)} to ${shown(arm.ci95?.upper)} |`;
      expect(doc).toContain(line);
    }
  });
});
