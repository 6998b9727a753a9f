import { join } from 'node:path';
import { parseRandomizationVariant, TrialDefinitionError } from './trial-definition';
import { loadTrialFile } from './trial-file.loader';

const TRIALS_DIR = join(__dirname, '..', '..', 'config', 'trials');
const nct = loadTrialFile(join(TRIALS_DIR, 'nct02286011.json'));
const twoToOne = loadTrialFile(join(TRIALS_DIR, 'example-stratified-2to1.json'));

function problemOf(raw: unknown, trial = nct): string {
  try {
    parseRandomizationVariant(raw, trial, 'request', '$.design');
  } catch (error) {
    if (error instanceof TrialDefinitionError) return `${error.path} ${error.problem}`;
    throw error;
  }
  throw new Error('the variant was accepted');
}

describe(parseRandomizationVariant.name, () => {
  it("accepts the trial file's own section and gives the same design", () => {
    const { method, blockSizes, slotsPerStratum } = nct.randomization;
    expect(
      parseRandomizationVariant({ method, blockSizes, slotsPerStratum }, nct, 'r', '$.design'),
    ).toEqual(nct.randomization);
  });

  it('takes the target size when slotsPerStratum is left out, as the trial file does', () => {
    expect(parseRandomizationVariant({ method: 'simple' }, nct, 'r', '$.design')).toEqual({
      method: 'simple',
      blockSizes: [],
      slotsPerStratum: nct.targetSize,
    });
  });

  it("takes Efron's p = 2/3 and the big stick's b = 3 when left out, and writes them out", () => {
    expect(
      parseRandomizationVariant({ method: 'efron-biased-coin' }, nct, 'r', '$.design'),
    ).toEqual({
      method: 'efron-biased-coin',
      blockSizes: [],
      slotsPerStratum: 20,
      p: 2 / 3,
    });
    expect(
      parseRandomizationVariant({ method: 'big-stick', maxImbalance: 2 }, nct, 'r', '$.design'),
    ).toEqual({ method: 'big-stick', blockSizes: [], slotsPerStratum: 20, maxImbalance: 2 });
    expect(
      parseRandomizationVariant({ method: 'big-stick' }, nct, 'r', '$.design').maxImbalance,
    ).toBe(3);
    expect(
      parseRandomizationVariant({ method: 'efron-biased-coin', p: 1 }, nct, 'r', '$.design').p,
    ).toBe(1);
  });

  it('refuses Efron and the big stick for a trial that is not two targets in 1:1', () => {
    expect(problemOf({ method: 'efron-biased-coin' }, twoToOne)).toBe(
      '$.design.method "efron-biased-coin" needs exactly two targets in the ratio 1:1 (the trial has 2:1)',
    );
    expect(problemOf({ method: 'big-stick' }, twoToOne)).toBe(
      '$.design.method "big-stick" needs exactly two targets in the ratio 1:1 (the trial has 2:1)',
    );
  });

  it('keeps the permuted-blocks definition as it was: no p, no maxImbalance (the stored hash holds)', () => {
    expect(Object.keys(nct.randomization).sort()).toEqual([
      'blockSizes',
      'method',
      'slotsPerStratum',
    ]);
  });

  it("checks block sizes against the trial's own ratio total", () => {
    // 1:1 admits 2, the 2:1 example does not (its ratio total is 3).
    expect(problemOf({ method: 'permuted-blocks', blockSizes: [2] }, twoToOne)).toBe(
      '$.design.blockSizes[0] must be a multiple of the ratio total 3',
    );
    expect(
      parseRandomizationVariant(
        { method: 'permuted-blocks', blockSizes: [2], slotsPerStratum: 10 },
        nct,
        'r',
        '$.design',
      ).blockSizes,
    ).toEqual([2]);
  });

  it.each([
    [{}, '$.design.method must be a non-empty string'],
    ['simple', '$.design must be an object'],
    [
      { method: 'minimisation' },
      '$.design.method must be one of "simple", "permuted-blocks", "efron-biased-coin", "big-stick"',
    ],
    [
      { method: 'efron-biased-coin', p: 0.5 },
      '$.design.p must be a number greater than 0.5 and at most 1',
    ],
    [
      { method: 'efron-biased-coin', p: 1.01 },
      '$.design.p must be a number greater than 0.5 and at most 1',
    ],
    [
      { method: 'efron-biased-coin', p: '2/3' },
      '$.design.p must be a number greater than 0.5 and at most 1',
    ],
    [{ method: 'big-stick', p: 0.6 }, '$.design.p applies to efron-biased-coin only'],
    [
      { method: 'permuted-blocks', blockSizes: [2], maxImbalance: 3 },
      '$.design.maxImbalance applies to big-stick only',
    ],
    [
      { method: 'big-stick', maxImbalance: 0 },
      '$.design.maxImbalance must be an integer from 1 to 1000',
    ],
    [
      { method: 'big-stick', maxImbalance: 2.5 },
      '$.design.maxImbalance must be an integer from 1 to 1000',
    ],
    [
      { method: 'efron-biased-coin', blockSizes: [2] },
      '$.design.blockSizes applies to permuted blocks only',
    ],
    [{ method: 'permuted-blocks' }, '$.design.blockSizes must be an array'],
    [{ method: 'permuted-blocks', blockSizes: [] }, '$.design.blockSizes must not be empty'],
    [
      { method: 'permuted-blocks', blockSizes: [4, 4] },
      '$.design.blockSizes[1] repeats the $.design.blockSizes id "4"',
    ],
    [{ method: 'simple', blockSizes: [2] }, '$.design.blockSizes applies to permuted blocks only'],
    [
      { method: 'simple', slotsPerStratum: 1.5 },
      '$.design.slotsPerStratum must be an integer from 1 to 10000000',
    ],
    [{ method: 'simple', extra: 1 }, '$.design.extra is not a known field'],
    [
      { method: 'permuted-blocks', blockSizes: [4], slotsPerStratum: 22 },
      '$.design.slotsPerStratum gives 22 slots per stratum, which whole blocks of sizes 4 cannot fill exactly (use a multiple of 4)',
    ],
    [
      { method: 'permuted-blocks', blockSizes: [8] },
      '$.design.slotsPerStratum (absent: the target size) gives 20 slots per stratum, which whole blocks of sizes 8 cannot fill exactly (use a multiple of 8)',
    ],
  ])('refuses %j: %s', (raw, problem) => {
    expect(problemOf(raw)).toBe(problem);
  });
});
