import { join } from 'node:path';
import { RandomizationDesign, TrialDefinition } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { simulateDesign } from './list-simulation';
import { exactDesignFigures, ExactDesignFigures } from './list-simulation-exact';

const TRIALS = join(__dirname, '..', '..', 'config', 'trials');
const nct = loadTrialFile(join(TRIALS, 'nct02286011.json'));
const twoToOne = loadTrialFile(join(TRIALS, 'example-stratified-2to1.json'));

function exact(
  randomization: Partial<RandomizationDesign> & Pick<RandomizationDesign, 'method'>,
  slotsPerStratum: number,
  trial: TrialDefinition = nct,
): ExactDesignFigures {
  const figures = exactDesignFigures({
    allocation: trial.allocation,
    randomization: { blockSizes: [], ...randomization, slotsPerStratum },
  });
  if (figures === null) throw new Error('not computed exactly');
  return figures;
}

describe(exactDesignFigures.name, () => {
  it('Efron p = 2/3, two slots, by hand: guesses 1/2 then 2/3; ends balanced 2/3; E[max] 4/3', () => {
    // Slot 1: a fair coin, whatever the guess. Slot 2: the arm behind gets it with p = 2/3, and
    // that is the guess. The list ends at 0 with 2/3, else at 2; the largest imbalance is 1 or 2.
    const figures = exact({ method: 'efron-biased-coin', p: 2 / 3 }, 2);
    expect(figures.correctGuessAt[0]).toBeCloseTo(1 / 2, 14);
    expect(figures.correctGuessAt[1]).toBeCloseTo(2 / 3, 14);
    expect(figures.correctGuessShare).toBeCloseTo(7 / 12, 14);
    expect(figures.endBalanced).toBeCloseTo(2 / 3, 14);
    expect(figures.meanMaxImbalance).toBeCloseTo(4 / 3, 14);
    expect(figures.worstImbalance).toBe(2);
  });

  it('Efron p = 2/3, three slots, by hand: the third guess is right with 2/3·1/2 + 1/3·2/3 = 5/9', () => {
    const figures = exact({ method: 'efron-biased-coin', p: 2 / 3 }, 3);
    expect(figures.correctGuessAt[2]).toBeCloseTo(5 / 9, 14);
    expect(figures.expectedCorrectGuesses).toBeCloseTo(1 / 2 + 2 / 3 + 5 / 9, 14);
    // Balanced after 2 (2/3) goes to 1; at 2 (1/3) it goes to 1 w.p. 2/3, to 3 w.p. 1/3.
    expect(figures.maxImbalanceShare).toEqual([
      0,
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(figures.maxImbalanceShare[3]).toBeCloseTo(1 / 9, 14);
  });

  it('big stick b = 2, four slots, by hand: 1/2, 1/2, 3/4, 1/2; ends balanced with 1/2', () => {
    // After two fair slots |D| = 2 with 1/2, and the third slot is then forced (a sure guess).
    const figures = exact({ method: 'big-stick', maxImbalance: 2 }, 4);
    expect(figures.correctGuessAt).toEqual([0.5, 0.5, 0.75, 0.5]);
    expect(figures.correctGuessShare).toBe(9 / 16);
    expect(figures.endBalanced).toBe(0.5);
    expect(figures.worstImbalance).toBe(2);
  });

  it('big stick b = 1 and Efron p = 1 behave exactly as blocks of 2: 75% right, never off by 2', () => {
    const pairs = exact({ method: 'permuted-blocks', blockSizes: [2] }, 20);
    for (const figures of [
      exact({ method: 'big-stick', maxImbalance: 1 }, 20),
      exact({ method: 'efron-biased-coin', p: 1 }, 20),
      pairs,
    ]) {
      expect(figures.correctGuessShare).toBe(0.75);
      expect(figures.worstImbalance).toBe(1);
      expect(figures.meanMaxImbalance).toBe(1);
      expect(figures.endBalanced).toBe(1);
    }
  });

  it('NCT02286011 (blocks of 2 and 4, 20 slots): 14829/1024 right guesses, 72.4%', () => {
    // By hand: a block of 2 gives 1/2 + 1 right guesses, a block of 4 gives
    // 1/2 + 2/3 + 2/3 + 1 = 17/6; the ending rule makes the expected total 14829/1024.
    const figures = exact({ method: 'permuted-blocks', blockSizes: [2, 4] }, 20);
    expect(figures.expectedCorrectGuesses).toBeCloseTo(14829 / 1024, 12);
    expect(figures.correctGuessShare).toBeCloseTo(0.724072265625, 12);
    expect(figures.correctGuessShare.toFixed(3)).toBe('0.724');
    expect(figures.endBalanced).toBeCloseTo(1, 12);
    expect(figures.worstImbalance).toBe(2);
  });

  it('blocks of 4 alone: 17/6 per block, 70.83%; simple randomization: 50%, balanced C(20,10)/2^20', () => {
    expect(exact({ method: 'permuted-blocks', blockSizes: [4] }, 20).correctGuessShare).toBeCloseTo(
      17 / 24,
      12,
    );
    const simple = exact({ method: 'simple' }, 20);
    expect(simple.correctGuessShare).toBeCloseTo(0.5, 12);
    expect(simple.endBalanced).toBeCloseTo(184_756 / 1_048_576, 12);
    expect(simple.worstImbalance).toBe(20);
  });

  it('gives NCT02286011 the figures of each design at 20 slots (the table of docs/randomization.md)', () => {
    const efron = exact({ method: 'efron-biased-coin', p: 2 / 3 }, 20);
    const bigStick = exact({ method: 'big-stick', maxImbalance: 3 }, 20);
    expect(efron.correctGuessShare.toFixed(4)).toBe('0.6171');
    expect(efron.endBalanced.toFixed(4)).toBe('0.5083');
    expect(bigStick.correctGuessShare.toFixed(4)).toBe('0.5722');
    expect(bigStick.endBalanced.toFixed(4)).toBe('0.3333');
    expect(bigStick.worstImbalance).toBe(3);
  });

  it('agrees with the Monte-Carlo figures within four standard errors', () => {
    const designs: Pick<RandomizationDesign, 'method' | 'blockSizes' | 'p' | 'maxImbalance'>[] = [
      { method: 'efron-biased-coin', blockSizes: [], p: 2 / 3 },
      { method: 'big-stick', blockSizes: [], maxImbalance: 3 },
      { method: 'permuted-blocks', blockSizes: [2, 4] },
    ];
    for (const randomization of designs) {
      const design = {
        allocation: nct.allocation,
        randomization: { ...randomization, slotsPerStratum: 20 },
      };
      const want = exactDesignFigures(design);
      const got = simulateDesign(design, { runs: 2_000, seed: 'agree', reportAt: [20] }).perList;
      if (want === null) throw new Error('not computed exactly');
      const near = (estimate: { mean: number; standardError: number }, value: number) =>
        expect(Math.abs(estimate.mean - value)).toBeLessThanOrEqual(
          4 * estimate.standardError + 1e-12,
        );
      near(got.correctGuessShare, want.correctGuessShare);
      near(got.maxImbalance, want.meanMaxImbalance);
      near(got.endBalanced, want.endBalanced);
    }
  });

  it('handles ratios: the 2:1 example (36 slots, blocks 3 and 6) always ends on the ratio', () => {
    const figures = exact({ method: 'permuted-blocks', blockSizes: [3, 6] }, 36, twoToOne);
    expect(figures.endBalanced).toBeCloseTo(1, 12);
    expect(figures.worstImbalance).toBe(4);
  });

  it('gives up (null) rather than hold too many states: simple randomization of 10,000 slots', () => {
    expect(
      exactDesignFigures({
        allocation: nct.allocation,
        randomization: { method: 'simple', blockSizes: [], slotsPerStratum: 10_000 },
      }),
    ).toBeNull();
  });
});
