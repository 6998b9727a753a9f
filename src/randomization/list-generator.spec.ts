import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrialDefinition } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import {
  generateList,
  generateListWithBlocks,
  generateListWithImbalance,
  generateStratumBlocks,
  generateStratumTargets,
  GeneratedBlock,
  ListDesign,
  ListDesignError,
  newListSeed,
  stratumSeed,
} from './list-generator';
import { listCommitment } from './list-commitment';
import { buildListExport } from './list-export';

const TRIALS = join(__dirname, '..', '..', 'config', 'trials');
const nct = loadTrialFile(join(TRIALS, 'nct02286011.json'));
const stratified = loadTrialFile(join(TRIALS, 'example-stratified-2to1.json'));
const SEEDS = Array.from({ length: 10_000 }, (_, i) => `statistics-${i}`);

function withDesign(
  base: TrialDefinition,
  randomization: Partial<TrialDefinition['randomization']>,
  targets?: { id: string; ratio: number }[],
): TrialDefinition {
  return {
    ...base,
    allocation: targets
      ? { describes: 'test', targets: targets.map((t) => ({ ...t, label: t.id })) }
      : base.allocation,
    randomization: { ...base.randomization, ...randomization },
  };
}

/** One letter per slot (first letter of the target id), to write golden lists compactly. */
function letters(targets: string[]): string {
  return targets.map((t) => t[0]).join('');
}

/** Chi-square statistic of observed counts against expected probabilities. */
function chiSquare(observed: number[], probabilities: number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((sum, o, i) => {
    const expected = total * probabilities[i];
    return sum + (o - expected) ** 2 / expected;
  }, 0);
}

// Upper 0.0001 quantiles of chi-square: df 1 and df 2. Seeds are fixed, so these tests are
// deterministic; the bounds only say how far from the design a fixed sample may lie.
const CHI2_DF1_P0001 = 15.137;
const CHI2_DF2_P0001 = 18.421;

describe('seedrandom, the stream under every list', () => {
  it('is the ARC4 stream documented by seedrandom 3.0.5 (its README example)', () => {
    expect(seedrandom('hello.')()).toBe(0.9282578795792454);
  });

  it('gives these first three doubles for the golden NCT02286011 stratum seed', () => {
    const next = seedrandom('NCT02286011-golden-1/all');
    expect([next(), next(), next()]).toEqual([
      0.9139017886921611, 0.24574280171774254, 0.25028791398188954,
    ]);
  });
});

describe(generateList.name, () => {
  describe('golden vectors (a change here changes every list: it must never happen silently)', () => {
    it.each([
      ['NCT02286011-golden-1', 'RLRLLLRRLRLRRLLRRLRL'],
      ['NCT02286011-golden-2', 'LLRRLRRLRRLLRLLRRLLR'],
      ['9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8', 'LRLRRLLRLRLRLRRLRLLR'],
    ])('NCT02286011 with seed %s gives %s (L = LEFT, R = RIGHT)', (seed, expected) => {
      const list = generateList(nct, seed);
      expect(letters(list.map((s) => s.target))).toBe(expected);
      expect(list.map((s) => s.slot)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(list.map((s) => s.stratum))).toEqual(new Set(['all']));
    });

    it('the stratified 2:1 example with seed EXAMPLE-STRAT-21-golden gives these four lists', () => {
      const list = generateList(stratified, 'EXAMPLE-STRAT-21-golden');
      const byStratum = (key: string): string =>
        letters(list.filter((s) => s.stratum === key).map((s) => s.target));
      // A = ACTIVE, P = PLACEBO; strata in stratumKeys order.
      expect([...new Set(list.map((s) => s.stratum))]).toEqual([
        'site=north;sex=F',
        'site=north;sex=M',
        'site=south;sex=F',
        'site=south;sex=M',
      ]);
      expect(byStratum('site=north;sex=F')).toBe('APAAPAAAPAAPAAPAAPAPAAAPPAAAAPAPAPAA');
      expect(byStratum('site=north;sex=M')).toBe('PAAAPAAAPAPAAAAAPPAPPAAAAPAAPAPAAAAP');
      expect(byStratum('site=south;sex=F')).toBe('AAAPAPPAAAAPPAAPAAPPAAAAPAAPAAPAAPAA');
      expect(byStratum('site=south;sex=M')).toBe('PAAAAPAAAAPPAAPAAPAAPAAPAAPAPAPAAPAA');
    });

    it('simple randomization 1:1 with seed simple-golden gives LRRRLRLLLRRRLRRLRLRL', () => {
      const simple = withDesign(nct, { method: 'simple', blockSizes: [], slotsPerStratum: 20 });
      expect(letters(generateList(simple, 'simple-golden').map((s) => s.target))).toBe(
        'LRRRLRLLLRRRLRRLRLRL',
      );
    });
  });

  it('orders strata as stratumKeys does, each with slots 1..slotsPerStratum', () => {
    const list = generateList(stratified, 'order');
    expect(list).toHaveLength(4 * 36);
    list.forEach((s, i) => expect(s.slot).toBe((i % 36) + 1));
  });

  it("draws each stratum from its own stream seeded with '<seed>/<stratum>'", () => {
    const list = generateList(stratified, 'strata');
    const south = list.filter((s) => s.stratum === 'site=south;sex=M').map((s) => s.target);
    expect(south).toEqual(
      generateStratumTargets(stratified, stratumSeed('strata', 'site=south;sex=M')),
    );
    expect(stratumSeed('strata', 'site=south;sex=M')).toBe('strata/site=south;sex=M');
  });

  it('gives the same list for the same seed, on every call', () => {
    expect(generateList(stratified, 'same')).toEqual(generateList(stratified, 'same'));
  });

  it('gives 10,000 different lists for 10,000 seeds when lists are long enough to differ', () => {
    const distinct = new Set(
      SEEDS.map((seed) =>
        generateList(stratified, seed)
          .map((s) => s.target[0])
          .join(''),
      ),
    );
    expect(distinct.size).toBe(SEEDS.length);
  });

  it('never falls back to an unseeded stream: an empty seed is refused', () => {
    expect(() => generateList(nct, '')).toThrow(ListDesignError);
  });

  it('creates random seeds of 256 bits as hex', () => {
    const seed = newListSeed();
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(newListSeed()).not.toBe(seed);
  });
});

describe('the statistics of NCT02286011 lists over 10,000 seeds', () => {
  let blocksPerList: GeneratedBlock[][];
  let lists: string[][];

  beforeAll(() => {
    blocksPerList = SEEDS.map((seed) => generateStratumBlocks(nct, stratumSeed(seed, 'all')));
    lists = blocksPerList.map((blocks) => blocks.flatMap((b) => b.targets));
  });

  it('concatenates its blocks into exactly the list generateList gives', () => {
    for (const seed of SEEDS.slice(0, 200)) {
      expect(generateList(nct, seed).map((s) => s.target)).toEqual(
        generateStratumBlocks(nct, stratumSeed(seed, 'all')).flatMap((b) => b.targets),
      );
    }
  });

  it('ends every list exactly balanced, 10 LEFT and 10 RIGHT, on whole blocks', () => {
    // One expect per property over all lists: expect() inside the loop would dominate the time.
    expect(lists.filter((list) => list.filter((t) => t === 'LEFT').length !== 10)).toEqual([]);
    expect(blocksPerList.filter((bs) => bs.reduce((sum, b) => sum + b.size, 0) !== 20)).toEqual([]);
    const unbalanced = blocksPerList
      .flat()
      .filter((b) => b.targets.filter((t) => t === 'LEFT').length !== b.size / 2);
    expect(unbalanced).toEqual([]);
  });

  it('puts LEFT at each of the 20 positions with probability 1/2 (chi-square, df 1)', () => {
    for (let position = 0; position < 20; position += 1) {
      const left = lists.filter((list) => list[position] === 'LEFT').length;
      expect(chiSquare([left, lists.length - left], [0.5, 0.5])).toBeLessThan(CHI2_DF1_P0001);
    }
  });

  it('draws sizes 2 and 4 with equal probability whenever both are eligible', () => {
    const free = blocksPerList.flat().filter((b) => b.eligibleSizes.length === 2);
    const fours = free.filter((b) => b.size === 4).length;
    expect(chiSquare([free.length - fours, fours], [0.5, 0.5])).toBeLessThan(CHI2_DF1_P0001);
  });

  it('restricts the size only when 2 slots remain, where 4 would overrun', () => {
    const wrong: string[] = [];
    for (const blocks of blocksPerList) {
      let remaining = 20;
      for (const block of blocks) {
        const expected = remaining >= 4 ? '2,4' : '2';
        if (block.eligibleSizes.join(',') !== expected) wrong.push(`${remaining}: ${expected}`);
        remaining -= block.size;
      }
    }
    expect(wrong).toEqual([]);
  });

  it('uses as many blocks of each size as the ending rule predicts exactly', () => {
    // E[blocks of size s | r slots left], by the same rule: uniform among the eligible sizes.
    const expected = new Map<number, { two: number; four: number }>([[0, { two: 0, four: 0 }]]);
    for (let r = 2; r <= 20; r += 2) {
      const options = r >= 4 ? [2, 4] : [2];
      const mean = { two: 0, four: 0 };
      for (const size of options) {
        const after = expected.get(r - size)!;
        mean.two += (after.two + (size === 2 ? 1 : 0)) / options.length;
        mean.four += (after.four + (size === 4 ? 1 : 0)) / options.length;
      }
      expected.set(r, mean);
    }
    const observedTwo = blocksPerList.flat().filter((b) => b.size === 2).length / SEEDS.length;
    const observedFour = blocksPerList.flat().filter((b) => b.size === 4).length / SEEDS.length;
    // The counts per list have standard deviation about 1, so 10,000 lists pin the means to ~0.01.
    expect(Math.abs(observedTwo - expected.get(20)!.two)).toBeLessThan(0.05);
    expect(Math.abs(observedFour - expected.get(20)!.four)).toBeLessThan(0.05);
  });

  it('repeats lists only as often as the exact distribution of the design predicts', () => {
    // Only 18,272 lists of 20 are possible, so 10,000 seeds must repeat some (the birthday
    // effect). Enumerate every list with its probability under the ending rule, and compare the
    // expected number of distinct lists among 10,000 draws with what the seeds gave.
    const exact = exactListDistribution(20);
    const distinctExpected = [...exact.values()].reduce(
      (sum, p) => sum + 1 - (1 - p) ** SEEDS.length,
      0,
    );
    expect(exact.size).toBe(18_272);
    const distinct = new Set(lists.map((l) => letters(l))).size;
    // The count's standard deviation is below 55.
    expect(Math.abs(distinct - distinctExpected)).toBeLessThan(250);
  });
});

describe('ratio designs over 10,000 seeds', () => {
  it('the 2:1 example puts ACTIVE at each position with probability 2/3 and ends at 24:12', () => {
    const lists = SEEDS.map((seed) => generateStratumTargets(stratified, seed));
    for (const list of lists) expect(list.filter((t) => t === 'ACTIVE')).toHaveLength(24);
    for (let position = 0; position < 36; position += 1) {
      const active = lists.filter((list) => list[position] === 'ACTIVE').length;
      expect(chiSquare([active, lists.length - active], [2 / 3, 1 / 3])).toBeLessThan(
        CHI2_DF1_P0001,
      );
    }
  });

  it('a 1:1:2 design with blocks of 4, 8 and 12 holds its ratio in every block', () => {
    const design = withDesign(nct, { blockSizes: [8, 4, 12], slotsPerStratum: 40 }, [
      { id: 'A', ratio: 1 },
      { id: 'B', ratio: 1 },
      { id: 'C', ratio: 2 },
    ]);
    const free: number[] = [0, 0, 0];
    for (const seed of SEEDS.slice(0, 2_000)) {
      for (const block of generateStratumBlocks(design, seed)) {
        const count = (id: string): number => block.targets.filter((t) => t === id).length;
        expect([count('A'), count('B'), count('C')]).toEqual([
          block.size / 4,
          block.size / 4,
          block.size / 2,
        ]);
        if (block.eligibleSizes.length === 3) free[block.size / 4 - 1] += 1;
      }
    }
    // Three sizes, each a third of the time while all three fit (df 2).
    expect(chiSquare(free, [1 / 3, 1 / 3, 1 / 3])).toBeLessThan(CHI2_DF2_P0001);
  });

  it('simple randomization 2:1 draws ACTIVE with probability 2/3 at each slot', () => {
    const simple = withDesign(stratified, {
      method: 'simple',
      blockSizes: [],
      slotsPerStratum: 10,
    });
    const lists = SEEDS.map((seed) => generateStratumTargets(simple, seed));
    for (let position = 0; position < 10; position += 1) {
      const active = lists.filter((list) => list[position] === 'ACTIVE').length;
      expect(chiSquare([active, lists.length - active], [2 / 3, 1 / 3])).toBeLessThan(
        CHI2_DF1_P0001,
      );
    }
  });
});

describe('the ending rule', () => {
  const ab = (sizes: number[], slots: number): ListDesign =>
    withDesign(nct, { blockSizes: sizes, slotsPerStratum: slots });

  it('fills 14 slots with sizes 4 and 6 without ever leaving the unfillable 2', () => {
    for (const seed of SEEDS.slice(0, 1_000)) {
      const sizes = generateStratumBlocks(ab([4, 6], 14), seed).map((b) => b.size);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(14);
      expect([...sizes].sort()).toEqual([4, 4, 6]);
    }
  });

  it('refuses, naming the sizes and the count, a list the validator accepts but no blocks can fill', () => {
    // gcd(4, 6) = 2 divides 2, yet no sum of 4s and 6s is 2.
    expect(() => generateStratumTargets(ab([4, 6], 2), 'x')).toThrow(
      new ListDesignError(
        'Block sizes 4, 6 cannot make exactly 2 slots per stratum of whole blocks (no sum of these sizes equals it); choose another slot count or sizes',
      ),
    );
  });

  it('ignores the order of block sizes in the trial file', () => {
    expect(generateList(withDesign(nct, { blockSizes: [4, 2] }), 'order')).toEqual(
      generateList(nct, 'order'),
    );
  });

  it('ends exactly on whole blocks for any sizes and any count that sizes can sum to', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 60 }),
        fc.string({ minLength: 1 }),
        (units, slots, seed) => {
          const sizes = units.map((u) => u * 2);
          const design = ab(sizes, slots);
          if (!canSum(sizes, slots)) {
            expect(() => generateStratumBlocks(design, seed)).toThrow(ListDesignError);
            return;
          }
          const blocks = generateStratumBlocks(design, seed);
          expect(blocks.reduce((sum, b) => sum + b.size, 0)).toBe(slots);
          for (const block of blocks) {
            expect(sizes).toContain(block.size);
            expect(block.targets.filter((t) => t === 'LEFT')).toHaveLength(block.size / 2);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe(generateListWithBlocks.name, () => {
  const designs: [string, TrialDefinition][] = [
    ['NCT02286011', nct],
    ['the stratified 2:1 example', stratified],
    ['sizes 4, 6 over 14 slots', withDesign(nct, { blockSizes: [6, 4], slotsPerStratum: 14 })],
  ];
  it.each(designs)(
    'gives exactly the list generateList gives, for %s, over 500 seeds',
    (_, trial) => {
      for (let i = 0; i < 500; i += 1) {
        const seed = `blocks-${i}`;
        const withBlocks = generateListWithBlocks(trial, seed);
        expect(withBlocks.map(({ stratum, slot, target }) => ({ stratum, slot, target }))).toEqual(
          generateList(trial, seed),
        );
      }
    },
  );

  it('numbers blocks 1, 2, … within each stratum, each block its size in consecutive slots', () => {
    const list = generateListWithBlocks(stratified, 'EXAMPLE-STRAT-21-golden');
    for (const stratum of new Set(list.map((s) => s.stratum))) {
      const slots = list.filter((s) => s.stratum === stratum);
      const blocks = generateStratumBlocks(
        stratified,
        stratumSeed('EXAMPLE-STRAT-21-golden', stratum),
      );
      const expected = blocks.flatMap((block, index) =>
        block.targets.map(() => ({ block: index + 1, blockSize: block.size })),
      );
      expect(slots.map(({ block, blockSize }) => ({ block, blockSize }))).toEqual(expected);
    }
  });

  it('golden: NCT02286011-golden-1 is blocks 4, 4, 4, 2, 2, 2, 2 (RLRL LLRR LRLR RL LR RL RL)', () => {
    const list = generateListWithBlocks(nct, 'NCT02286011-golden-1');
    expect(letters(list.map((s) => s.target))).toBe('RLRLLLRRLRLRRLLRRLRL');
    expect(list.map((s) => s.block)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
    ]);
    expect([...new Map(list.map((s) => [s.block, s.blockSize])).values()]).toEqual([
      4, 4, 4, 2, 2, 2, 2,
    ]);
  });

  it('gives no blocks for simple randomization', () => {
    const simple = withDesign(nct, { method: 'simple', blockSizes: [] });
    const list = generateListWithBlocks(simple, 'simple-golden');
    expect(letters(list.map((s) => s.target))).toBe('LRRRLRLLLRRRLRRLRLRL');
    expect(list.every((s) => s.block === null && s.blockSize === null)).toBe(true);
  });
});

const PYTHON_AVAILABLE = spawnSync('python3', ['--version']).status === 0;

const efron = withDesign(nct, { method: 'efron-biased-coin', blockSizes: [], p: 2 / 3 });
const bigStick = withDesign(nct, { method: 'big-stick', blockSizes: [], maxImbalance: 3 });

describe("Efron's biased coin and the big stick", () => {
  it('golden: efron-golden (p = 2/3) and big-stick-golden (b = 3) give these NCT02286011 lists', () => {
    expect(letters(generateList(efron, 'efron-golden').map((s) => s.target))).toBe(
      'LLRRLRRLLRLLLRLLRLLL',
    );
    expect(letters(generateList(bigStick, 'big-stick-golden').map((s) => s.target))).toBe(
      'LRLLLRRLRRRRLLRRLLRR',
    );
  });

  it('spends exactly one draw per slot, slot k reading the k-th double, as documented', () => {
    // Recomputed here from the stream itself and the rule in docs/randomization.md section 5a.
    for (const [trial, seed] of [
      [efron, 'efron-golden'],
      [bigStick, 'big-stick-golden'],
      [withDesign(efron, { p: 0.9 }), 'another'],
    ] as const) {
      const next = seedrandom(`${seed}/all`);
      const { method, p = 0, maxImbalance = 0 } = trial.randomization;
      let d = 0;
      const want: string[] = [];
      for (let k = 0; k < 20; k += 1) {
        const u = next();
        let left: boolean;
        if (d === 0 || (method === 'big-stick' && Math.abs(d) < maxImbalance)) left = u < 0.5;
        else if (method === 'big-stick') left = d < 0;
        else left = u < p ? d < 0 : d > 0;
        want.push(left ? 'LEFT' : 'RIGHT');
        d += left ? 1 : -1;
      }
      expect(generateList(trial, seed).map((s) => s.target)).toEqual(want);
    }
  });

  it('with b = 1 the big stick gives, seed for seed, the lists of Efron with p = 1 (pairs)', () => {
    const pairs = withDesign(nct, { method: 'big-stick', blockSizes: [], maxImbalance: 1 });
    const certain = withDesign(nct, { method: 'efron-biased-coin', blockSizes: [], p: 1 });
    for (const seed of SEEDS.slice(0, 200)) {
      const list = generateList(pairs, seed).map((s) => s.target);
      expect(generateList(certain, seed).map((s) => s.target)).toEqual(list);
      // Every pair of slots is one LEFT and one RIGHT, as with blocks of 2.
      for (let k = 0; k < 20; k += 2) expect(list[k]).not.toBe(list[k + 1]);
    }
  });

  it('never lets the big stick pass b, and reaches it, forced there', () => {
    const seen = new Set<string>();
    for (const seed of SEEDS.slice(0, 2_000)) {
      for (const slot of generateListWithImbalance(bigStick, seed)) {
        seen.add(`${slot.imbalanceBefore} ${slot.firstTargetChance}`);
      }
    }
    expect([...seen].sort()).toEqual(
      ['-1 0.5', '-2 0.5', '-3 1', '0 0.5', '1 0.5', '2 0.5', '3 0'].sort(),
    );
  });

  it('gives the arm behind p = 2/3 of the slots where the arms differ (chi-square, df 1)', () => {
    let behind = 0;
    let differ = 0;
    for (const seed of SEEDS) {
      for (const slot of generateListWithImbalance(efron, seed)) {
        if (slot.imbalanceBefore === 0) continue;
        differ += 1;
        if (slot.imbalanceBefore < 0 === (slot.target === 'LEFT')) behind += 1;
      }
    }
    expect(chiSquare([behind, differ - behind], [2 / 3, 1 / 3])).toBeLessThan(CHI2_DF1_P0001);
  });

  it('reports the imbalance before each slot and agrees slot by slot with generateList', () => {
    const list = generateListWithImbalance(efron, 'efron-golden');
    expect(list.map(({ stratum, slot, target }) => ({ stratum, slot, target }))).toEqual(
      generateList(efron, 'efron-golden'),
    );
    expect(list.slice(0, 5).map((s) => [s.imbalanceBefore, s.firstTargetChance])).toEqual([
      [0, 0.5],
      [1, 1 - 2 / 3],
      [2, 1 - 2 / 3],
      [1, 1 - 2 / 3],
      [0, 0.5],
    ]);
    expect(() => generateListWithImbalance(nct, 'x')).toThrow(ListDesignError);
  });

  it('restarts the imbalance at 0 in each stratum, each from its own stream', () => {
    const stratifiedEfron = { ...efron, stratification: [{ id: 'site', levels: ['a', 'b'] }] };
    const list = generateListWithImbalance(stratifiedEfron, 'strata');
    expect(list.filter((s) => s.slot === 1).map((s) => s.imbalanceBefore)).toEqual([0, 0]);
    expect(list.filter((s) => s.stratum === 'site=b').map((s) => s.target)).toEqual(
      generateStratumTargets(efron, 'strata/site=b'),
    );
  });

  it('refuses a design it cannot draw: three targets, or 2:1', () => {
    expect(() =>
      generateList(
        withDesign(efron, {}, [
          { id: 'A', ratio: 2 },
          { id: 'B', ratio: 1 },
        ]),
        'x',
      ),
    ).toThrow('efron-biased-coin needs exactly two targets in the ratio 1:1');
  });
});

describe('the Python reference in docs/randomization.md', () => {
  // Without python3 there is nothing to run it with; the golden vectors above still hold the line.
  (PYTHON_AVAILABLE ? it : it.skip)(
    'regenerates exactly the lists, commitments and export verdicts of the TypeScript code',
    () => {
      const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'randomization.md'), 'utf8');
      const reference = /```python\n([\s\S]*?)```/.exec(doc)?.[1];
      expect(reference).toBeDefined();
      const nonce = 'ef'.repeat(32);
      const cases: { trial: TrialDefinition; seed: string }[] = [
        { trial: nct, seed: 'NCT02286011-golden-1' },
        { trial: nct, seed: newListSeed() },
        { trial: stratified, seed: 'EXAMPLE-STRAT-21-golden' },
        { trial: withDesign(nct, { method: 'simple', blockSizes: [] }), seed: 'simple' },
        { trial: withDesign(nct, { blockSizes: [6, 4], slotsPerStratum: 14 }), seed: 'x' },
        {
          trial: withDesign(nct, { blockSizes: [8, 4, 12], slotsPerStratum: 40 }, [
            { id: 'A', ratio: 1 },
            { id: 'B', ratio: 1 },
            { id: 'C', ratio: 2 },
          ]),
          seed: 'three targets',
        },
        // Past 256 characters seedrandom folds the seed into its key; beyond ASCII it uses UTF-16.
        { trial: nct, seed: `${'long seed '.repeat(40)}end` },
        { trial: nct, seed: 'ñandú € 😀' },
        { trial: efron, seed: 'efron-golden' },
        { trial: bigStick, seed: 'big-stick-golden' },
        { trial: withDesign(efron, { p: 0.9, slotsPerStratum: 60 }), seed: newListSeed() },
        { trial: withDesign(bigStick, { maxImbalance: 1 }), seed: 'pairs' },
        {
          trial: { ...bigStick, stratification: [{ id: 'site', levels: ['a', 'b'] }] },
          seed: 'stratified big stick',
        },
      ];
      const genuine = buildListExport({
        trial: stratified,
        seed: 'export',
        nonce,
        generatedAt: '2025-01-01T00:00:00.000Z',
        slots: generateList(stratified, 'export'),
      });
      const sequential = buildListExport({
        trial: withDesign(efron, { p: 0.75 }),
        seed: 'export',
        nonce,
        generatedAt: '2025-01-01T00:00:00.000Z',
        slots: generateList(withDesign(efron, { p: 0.75 }), 'export'),
      });
      // The same slots and nonce under another p: the commitment binds p, so this is refused.
      const reparametrized = structuredClone(sequential);
      reparametrized.trial.randomization.p = 0.76;
      const forged = structuredClone(genuine);
      forged.slots[3].limb = forged.slots[3].limb === 'ACTIVE' ? 'PLACEBO' : 'ACTIVE';
      const driver = [
        'import sys',
        'data = json.load(sys.stdin)',
        'lists = [generate_list(c["trial"], c["seed"]) for c in data["cases"]]',
        'print(json.dumps({',
        '  "lists": lists,',
        '  "commitments": [commitment(c["trial"]["protocolId"], l, data["nonce"],',
        '                             c["trial"]["randomization"])',
        '                  for c, l in zip(data["cases"], lists)],',
        '  "verdicts": [verify_export(e) for e in data["exports"]],',
        '}))',
      ].join('\n');
      const run = spawnSync('python3', ['-c', `${reference}\n${driver}`], {
        input: JSON.stringify({
          cases,
          nonce,
          exports: [genuine, forged, sequential, reparametrized],
        }),
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      const lists = cases.map((c) => generateList(c.trial, c.seed));
      expect(JSON.parse(run.stdout)).toEqual({
        lists,
        commitments: cases.map((c, i) =>
          listCommitment(c.trial.protocolId, lists[i], nonce, c.trial.randomization),
        ),
        verdicts: [true, false, true, false],
      });
    },
  );
});

const R_AVAILABLE = spawnSync('Rscript', ['--version']).status === 0;
const R_TEST =
  'regenerates exactly the lists, block numbers and block sizes of the TypeScript code';

/** A JSON value as an R expression: objects and arrays as list(), as jsonlite reads them. */
function rLiteral(value: unknown): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `list(${value.map(rLiteral).join(', ')})`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>);
    return `list(${members.map(([k, v]) => `${rString(k)} = ${rLiteral(v)}`).join(', ')})`;
  }
  if (typeof value === 'string') return rString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  throw new Error(`No R literal for ${typeof value}`);
}

/** An R string literal, every character outside printable ASCII as a \U{…} escape. */
function rString(text: string): string {
  const escaped = [...text]
    .map((c) => {
      const point = c.codePointAt(0) ?? 0;
      if (c === '"' || c === '\\') return `\\${c}`;
      return point >= 0x20 && point < 0x7f ? c : `\\U{${point.toString(16)}}`;
    })
    .join('');
  return `"${escaped}"`;
}

describe('the R reference in docs/randomization.md', () => {
  // R is large and not in CI; where it is installed, this holds the R function to the TypeScript.
  (R_AVAILABLE ? it : it.skip)(
    R_AVAILABLE
      ? R_TEST
      : `${R_TEST} (skipped: Rscript is not on PATH; install R, on Debian \`apt-get install r-base-core\`)`,
    () => {
      const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'randomization.md'), 'utf8');
      const reference = /```r\n([\s\S]*?)```/.exec(doc)?.[1];
      expect(reference).toBeDefined();
      const cases: { trial: TrialDefinition; seed: string }[] = [
        { trial: nct, seed: 'NCT02286011-golden-1' },
        { trial: nct, seed: newListSeed() },
        { trial: stratified, seed: 'EXAMPLE-STRAT-21-golden' },
        { trial: withDesign(nct, { method: 'simple', blockSizes: [] }), seed: 'simple' },
        { trial: withDesign(nct, { blockSizes: [6, 4], slotsPerStratum: 14 }), seed: 'x' },
        {
          trial: withDesign(nct, { blockSizes: [8, 4, 12], slotsPerStratum: 40 }, [
            { id: 'A', ratio: 1 },
            { id: 'B', ratio: 1 },
            { id: 'C', ratio: 2 },
          ]),
          seed: 'three targets',
        },
        { trial: nct, seed: `${'long seed '.repeat(40)}end` },
        { trial: nct, seed: 'ñandú € 😀' },
        { trial: efron, seed: 'efron-golden' },
        { trial: bigStick, seed: 'big-stick-golden' },
        { trial: withDesign(efron, { p: 0.9, slotsPerStratum: 60 }), seed: newListSeed() },
        { trial: withDesign(bigStick, { maxImbalance: 1 }), seed: 'pairs' },
        {
          trial: { ...bigStick, stratification: [{ id: 'site', levels: ['a', 'b'] }] },
          seed: 'stratified big stick',
        },
      ];
      const driver = cases
        .map(
          (c, i) =>
            // As the trial file reads: through JSON, so no undefined member reaches R.
            `l <- generate_list(${rLiteral(JSON.parse(JSON.stringify(c.trial)))}, ${rString(c.seed)})\n` +
            `cat(paste(${i}, l$stratum, l$slot, l$target, l$block, l$block_size, l$imbalance_before, sep = "\\t"), sep = "\\n")\ncat("\\n")`,
        )
        .join('\n');
      const dir = mkdtempSync(join(tmpdir(), 'list-r-'));
      try {
        const script = join(dir, 'reference.R');
        writeFileSync(script, `${reference}\n${driver}\n`);
        const run = spawnSync('Rscript', ['--vanilla', script], { encoding: 'utf8' });
        expect(run.stderr).toBe('');
        const got = run.stdout.split('\n').filter((line) => line !== '');
        const want = cases.flatMap((c, i) =>
          c.trial.randomization.method === 'efron-biased-coin' ||
          c.trial.randomization.method === 'big-stick'
            ? generateListWithImbalance(c.trial, c.seed).map((s) =>
                [i, s.stratum, s.slot, s.target, 'NA', 'NA', s.imbalanceBefore].join('\t'),
              )
            : generateListWithBlocks(c.trial, c.seed).map((s) =>
                [i, s.stratum, s.slot, s.target, s.block ?? 'NA', s.blockSize ?? 'NA', 'NA'].join(
                  '\t',
                ),
              ),
        );
        expect(got).toEqual(want);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

/**
 * Every NCT02286011-style list (1:1, sizes 2 and 4) of `slots` slots with its exact probability
 * under the ending rule: sizes uniform among the eligible ones, each arrangement of a block
 * equally likely. Lists reachable by several block decompositions add up their probabilities.
 */
function exactListDistribution(slots: number): Map<string, number> {
  const arrangements: Record<number, string[]> = {
    2: ['LR', 'RL'],
    4: ['LLRR', 'LRLR', 'LRRL', 'RLLR', 'RLRL', 'RRLL'],
  };
  const memo = new Map<number, Map<string, number>>([[0, new Map([['', 1]])]]);
  const from = (remaining: number): Map<string, number> => {
    const known = memo.get(remaining);
    if (known) return known;
    const eligible = remaining >= 4 ? [2, 4] : [2];
    const out = new Map<string, number>();
    for (const size of eligible) {
      for (const block of arrangements[size]) {
        for (const [rest, p] of from(remaining - size)) {
          const list = block + rest;
          const share = p / eligible.length / arrangements[size].length;
          out.set(list, (out.get(list) ?? 0) + share);
        }
      }
    }
    memo.set(remaining, out);
    return out;
  };
  return from(slots);
}

/** Brute force, independent of the generator's own table. */
function canSum(sizes: number[], total: number): boolean {
  if (total === 0) return true;
  return sizes.some((s) => s <= total && canSum(sizes, total - s));
}
