import { join } from 'node:path';
import { loadTrialFile } from '../config/trial-file.loader';
import {
  buildListExport,
  ListExport,
  ListExportFormatError,
  parseListExport,
  verifyListExport,
} from './list-export';
import { generateList } from './list-generator';

const TRIALS = join(__dirname, '..', '..', 'config', 'trials');
const nct = loadTrialFile(join(TRIALS, 'nct02286011.json'));
const stratified = loadTrialFile(join(TRIALS, 'example-stratified-2to1.json'));
const NONCE = 'ab'.repeat(32);

function exportOf(trial = nct, seed = 'export-seed'): ListExport {
  const slots = generateList(trial, seed).map((s, i) => ({
    ...s,
    participantId: i < 4 ? `P-${i + 1}` : null,
  }));
  return buildListExport({
    trial,
    seed,
    nonce: NONCE,
    generatedAt: '2025-01-01T00:00:00.000Z',
    slots,
  });
}

/** What a file on disk gives back: plain JSON, no undefined members, no shared references. */
function roundTrip(exported: ListExport): ListExport {
  return parseListExport(JSON.parse(JSON.stringify(exported)), 'export.json');
}

describe(verifyListExport.name, () => {
  it('accepts an export built from the seed, with the embedded trial or a given one', () => {
    expect(verifyListExport(roundTrip(exportOf()))).toEqual({ valid: true, problems: [] });
    expect(verifyListExport(roundTrip(exportOf()), nct)).toEqual({ valid: true, problems: [] });
    expect(verifyListExport(roundTrip(exportOf(stratified)))).toEqual({
      valid: true,
      problems: [],
    });
  });

  it('names the first mismatching slot and its stratum when one limb is flipped', () => {
    const exported = roundTrip(exportOf(stratified));
    const slot = exported.slots[40];
    slot.limb = slot.limb === 'ACTIVE' ? 'PLACEBO' : 'ACTIVE';
    const result = verifyListExport(exported);
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toBe(
      `First mismatch at position 41: the export has stratum "site=north;sex=M" slot 5 ${slot.limb}; ` +
        `the seed gives stratum "site=north;sex=M" slot 5 ${slot.limb === 'ACTIVE' ? 'PLACEBO' : 'ACTIVE'}`,
    );
    expect(result.problems[1]).toMatch(/^The commitment recomputed from the exported slots/);
  });

  it('says where a flipped limb is without naming a target when asked to be blinded (the server’s check)', () => {
    const exported = roundTrip(exportOf(stratified));
    const slot = exported.slots[40];
    slot.limb = slot.limb === 'ACTIVE' ? 'PLACEBO' : 'ACTIVE';
    const { valid, problems } = verifyListExport(exported, undefined, { nameTargets: false });
    expect(valid).toBe(false);
    expect(problems[0]).toBe(
      'First mismatch at position 41: stratum "site=north;sex=M" slot 5 differs from what the seed ' +
        'gives (the targets are not named here: this check is blinded)',
    );
    for (const problem of problems) expect(problem).not.toMatch(/ACTIVE|PLACEBO/);
  });

  it('refuses a list that matches a different seed than the one exported', () => {
    const exported = roundTrip(exportOf());
    exported.seed = 'another-seed';
    expect(verifyListExport(exported).valid).toBe(false);
  });

  it('refuses a commitment that does not match, even when every slot does', () => {
    const exported = roundTrip(exportOf());
    exported.commitment = '0'.repeat(64);
    expect(verifyListExport(exported).problems).toEqual([
      expect.stringMatching(/^The commitment recomputed .* not the exported 0{64}$/),
    ]);
  });

  it('refuses missing slots, a wrong method and a participant holding two slots', () => {
    const exported = roundTrip(exportOf());
    exported.slots.pop();
    exported.method = 'simple';
    exported.slots[5].participantId = 'P-1';
    const { problems } = verifyListExport(exported);
    expect(problems).toEqual(
      expect.arrayContaining([
        'The export says method "simple" but the trial uses "permuted-blocks"',
        'The export has 19 slots; the seed and trial give 20',
        'Participant P-1 holds two slots: stratum "all" slot 1 and stratum "all" slot 6',
      ]),
    );
  });

  it('verifies against the given trial file rather than the embedded one', () => {
    const exported = roundTrip(exportOf());
    const otherSizes = { ...nct, randomization: { ...nct.randomization, blockSizes: [4] } };
    expect(verifyListExport(exported, otherSizes).valid).toBe(false);
  });

  it('reports an embedded trial that is not a valid trial file, naming the field', () => {
    const exported = roundTrip(exportOf());
    (exported.trial as unknown as Record<string, unknown>).targetSize = -1;
    const { valid, problems } = verifyListExport(exported);
    expect(valid).toBe(false);
    expect(problems[0]).toContain('$.targetSize');
  });

  it('reports a malformed nonce instead of throwing', () => {
    const exported = roundTrip(exportOf());
    exported.nonce = 'not-hex';
    expect(verifyListExport(exported).problems).toEqual([
      expect.stringMatching(/^The commitment cannot be recomputed/),
    ]);
  });
});

describe(`${verifyListExport.name} for Efron's biased coin and the big stick`, () => {
  const efron = {
    ...nct,
    randomization: {
      ...nct.randomization,
      method: 'efron-biased-coin' as const,
      blockSizes: [],
      p: 2 / 3,
    },
  };
  const bigStick = {
    ...nct,
    randomization: {
      ...nct.randomization,
      method: 'big-stick' as const,
      blockSizes: [],
      maxImbalance: 3,
    },
  };

  it('accepts an export of each, regenerating it from the seed', () => {
    expect(verifyListExport(roundTrip(exportOf(efron)))).toEqual({ valid: true, problems: [] });
    expect(verifyListExport(roundTrip(exportOf(bigStick)), bigStick)).toEqual({
      valid: true,
      problems: [],
    });
  });

  it('refuses an export whose trial was given another p, or another b: the commitment binds it', () => {
    const exported = roundTrip(exportOf(efron, 'bound'));
    // p = 0.7 gives this seed the very same 20 slots (checked), so only the commitment can tell.
    const other = { ...efron, randomization: { ...efron.randomization, p: 0.7 } };
    expect(generateList(other, 'bound')).toEqual(generateList(efron, 'bound'));
    const verdict = verifyListExport(exported, other);
    expect(verdict.valid).toBe(false);
    expect(verdict.problems).toEqual([
      expect.stringMatching(/^The commitment recomputed from the exported slots and nonce is /),
    ]);
    const stick = roundTrip(exportOf(bigStick, 'bound'));
    const wider = { ...bigStick, randomization: { ...bigStick.randomization, maxImbalance: 4 } };
    expect(verifyListExport(stick, wider).problems.join('\n')).toContain('commitment recomputed');
  });

  it('refuses a permuted-blocks list passed off as Efron, naming the method', () => {
    const exported = roundTrip(exportOf(nct));
    const verdict = verifyListExport(exported, efron);
    expect(verdict.problems[0]).toBe(
      'The export says method "permuted-blocks" but the trial uses "efron-biased-coin"',
    );
  });
});

describe(parseListExport.name, () => {
  it('refuses what is not an export, naming the source and the field', () => {
    expect(() => parseListExport([], 'x.json')).toThrow(
      new ListExportFormatError('x.json', 'is not a JSON object'),
    );
    const noSeed = JSON.parse(JSON.stringify(exportOf())) as Record<string, unknown>;
    delete noSeed.seed;
    expect(() => parseListExport(noSeed, 'x.json')).toThrow('x.json: has no "seed" string');
    const badSlot = JSON.parse(JSON.stringify(exportOf())) as { slots: Record<string, unknown>[] };
    badSlot.slots[2].slot = 0;
    expect(() => parseListExport(badSlot, 'x.json')).toThrow(
      'x.json: slots[2].slot is not a positive integer',
    );
  });
});
