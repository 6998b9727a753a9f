import { join } from 'node:path';
import { TrialDefinition } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { ListDesignError } from './list-generator';
import { convergenceGuessCorrect, imbalance, simulateDesign } from './list-simulation';

const TRIALS = join(__dirname, '..', '..', 'config', 'trials');
const nct = loadTrialFile(join(TRIALS, 'nct02286011.json'));
const stratified = loadTrialFile(join(TRIALS, 'example-stratified-2to1.json'));

function design(randomization: Partial<TrialDefinition['randomization']>): TrialDefinition {
  return { ...nct, randomization: { ...nct.randomization, ...randomization } };
}

describe(imbalance.name, () => {
  it('is |#A - #B| for 1:1 and zero exactly at the design ratio', () => {
    expect(imbalance([7, 3], [1, 1])).toBe(4);
    expect(imbalance([4, 2], [2, 1])).toBe(0);
    expect(imbalance([3, 3], [2, 1])).toBe(3);
    expect(imbalance([1, 1, 2], [1, 1, 2])).toBe(0);
  });
});

describe(convergenceGuessCorrect.name, () => {
  it('guesses the arm with fewer allocations, and half right on a tie', () => {
    expect(convergenceGuessCorrect([3, 2], [1, 1], 1)).toBe(1);
    expect(convergenceGuessCorrect([3, 2], [1, 1], 0)).toBe(0);
    expect(convergenceGuessCorrect([2, 2], [1, 1], 0)).toBe(0.5);
  });

  it('guesses the target furthest behind its share in a ratio design', () => {
    // 2:1 after 2 ACTIVE and 0 PLACEBO: PLACEBO is behind (0/1 < 2/2).
    expect(convergenceGuessCorrect([2, 0], [2, 1], 1)).toBe(1);
    // 2:1 after 2 ACTIVE and 1 PLACEBO: both exactly on share, a tie.
    expect(convergenceGuessCorrect([2, 1], [2, 1], 0)).toBe(0.5);
  });
});

describe(simulateDesign.name, () => {
  it('for fixed blocks of 2, predicts every second allocation and balances every even count', () => {
    const result = simulateDesign(design({ blockSizes: [2] }), { runs: 500, seed: 's' });
    expect(result.correctGuessShare).toBeCloseTo(0.75, 10);
    const at = (k: number) => result.enrolments[k - 1];
    expect(at(2).imbalanceShare).toEqual([1]);
    expect(at(3).imbalanceShare).toEqual([0, 1]);
    expect(at(2).correctGuess).toBe(1);
    expect(at(1).correctGuess).toBe(0.5);
    expect(result.meanBlocksPerList).toEqual([{ size: 2, mean: 10 }]);
  });

  it('for NCT02286011 (blocks of 2 and 4) ends balanced and is less predictable than blocks of 2', () => {
    const result = simulateDesign(nct, { runs: 4_000, seed: 'nct' });
    const last = result.enrolments[19];
    expect(last.imbalanceShare).toEqual([1]);
    expect(last.maxImbalance).toBe(0);
    expect(result.enrolments.every((e) => e.maxImbalance <= 2)).toBe(true);
    expect(result.correctGuessShare).toBeGreaterThan(0.6);
    expect(result.correctGuessShare).toBeLessThan(0.75);
    expect(result.chanceShare).toBe(0.5);
    const blocks = new Map(result.meanBlocksPerList.map((b) => [b.size, b.mean]));
    // Size 2 blocks: about half of the free draws plus the forced ones at the end.
    expect(blocks.get(2)! * 2 + blocks.get(4)! * 4).toBeCloseTo(20, 10);
  });

  it('for simple randomization guesses at chance and lets the imbalance grow', () => {
    const result = simulateDesign(design({ method: 'simple', blockSizes: [] }), {
      runs: 4_000,
      seed: 'simple',
    });
    expect(Math.abs(result.correctGuessShare - 0.5)).toBeLessThan(0.02);
    // E|#A-#B| after 20 fair coins is 20 * C(20,10) / 2^20, about 3.52.
    expect(Math.abs(result.enrolments[19].meanImbalance - 3.524)).toBeLessThan(0.15);
    expect(result.meanBlocksPerList).toEqual([]);
  });

  it('for the 2:1 design returns to the ratio at the end of the list', () => {
    const result = simulateDesign(stratified, { runs: 500, seed: 'ratio', reportAt: [3, 36] });
    expect(result.enrolments.map((e) => e.enrolled)).toEqual([3, 36]);
    expect(result.enrolments[1].imbalanceShare).toEqual([1]);
    expect(result.chanceShare).toBeCloseTo(2 / 3, 10);
  });

  it('is reproducible from its seed', () => {
    expect(simulateDesign(nct, { runs: 50, seed: 'again' })).toEqual(
      simulateDesign(nct, { runs: 50, seed: 'again' }),
    );
  });

  it('refuses no runs, reports outside the list and runs that would take minutes', () => {
    expect(() => simulateDesign(nct, { runs: 0, seed: 's' })).toThrow(ListDesignError);
    expect(() => simulateDesign(nct, { runs: 1, seed: 's', reportAt: [21] })).toThrow(
      ListDesignError,
    );
    expect(() => simulateDesign(nct, { runs: 10_000_000, seed: 's' })).toThrow(/fewer runs/);
  });
});
