import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALL_PARTICIPANTS_STRATUM,
  MAX_LIST_SLOTS,
  MAX_STRATA,
  parseTrialDefinition,
  stratumKeys,
  TrialDefinitionError,
} from './trial-definition';
import { loadTrialFile } from './trial-file.loader';

const TRIALS_DIR = join(__dirname, '..', '..', 'config', 'trials');
const NCT_FILE = join(TRIALS_DIR, 'nct02286011.json');
const EXAMPLE_FILE = join(TRIALS_DIR, 'example-stratified-2to1.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const rawNct = JSON.parse(readFileSync(NCT_FILE, 'utf8')) as JsonObject;

/** A fresh deep copy of the NCT02286011 file, as parsed JSON, for one test to mutate. */
function nctFile(): JsonObject {
  return structuredClone(rawNct);
}

function at(root: JsonObject, ...path: (string | number)[]): JsonObject {
  let node: Json = root;
  for (const key of path) {
    node = (node as Record<string | number, Json>)[key];
  }
  return node as JsonObject;
}

function errorOf(action: () => unknown): TrialDefinitionError {
  try {
    action();
  } catch (error) {
    if (error instanceof TrialDefinitionError) return error;
    throw error;
  }
  throw new Error('expected a TrialDefinitionError, but nothing was thrown');
}

describe(loadTrialFile.name, () => {
  it('loads the NCT02286011 file with its design', () => {
    const trial = loadTrialFile(NCT_FILE);
    expect(trial.protocolId).toBe('NCT02286011');
    expect(trial.secondaryIds).toEqual([
      { type: 'EudraCT', id: '2011-004801-25' },
      { type: 'Sponsor protocol', id: 'TCIM/ELA' },
    ]);
    expect(trial.targetSize).toBe(20);
    expect(trial.allocation.targets.map((t) => [t.id, t.ratio])).toEqual([
      ['LEFT', 1],
      ['RIGHT', 1],
    ]);
    expect(trial.randomization).toEqual({
      method: 'permuted-blocks',
      blockSizes: [2, 4],
      slotsPerStratum: 20,
    });
    expect(trial.stratification).toEqual([]);
    expect(stratumKeys(trial.stratification)).toEqual([ALL_PARTICIPANTS_STRATUM]);
    expect(trial.eligibility.minAge).toBe(18);
    expect(trial.eligibility.maxAge).toBe(70);
    expect(trial.eligibility.inclusion).toHaveLength(4);
    expect(trial.eligibility.exclusion).toHaveLength(10);
    expect(trial.eligibility.inclusion[0].id).toBe('inc-als-diagnosis');
    expect(trial.eligibility.exclusion[9].id).toBe('exc-other-trial');
    expect(trial.participantIds).toEqual({ prefix: 'ELA-', digits: 3 });
    expect(trial.timeZone).toBe('Europe/Madrid');
    expect(trial.preparation.allocatedSyringe.name).toBe('CELLS');
    expect(trial.preparation.otherSyringe?.name).toBe('SALINE');
    expect(trial.preparation.allocatedSyringe.volumeMl).toBe(2);
    expect(trial.preparation.otherSyringe?.contents).toMatch(/saline/i);
    expect(trial.preparation.injectionCount).toBe(4);
    expect(trial.preparation.injectionVolumeMl).toBe(0.5);
    expect(trial.preparation.needle).toBe('26 G');
  });

  it('loads the stratified 2:1 example, whose strata give four keys in factor then level order', () => {
    const trial = loadTrialFile(EXAMPLE_FILE);
    expect(trial.protocolId).toBe('EXAMPLE-STRAT-21');
    expect(trial.allocation.targets.map((t) => [t.id, t.ratio])).toEqual([
      ['ACTIVE', 2],
      ['PLACEBO', 1],
    ]);
    expect(trial.randomization).toEqual({
      method: 'permuted-blocks',
      blockSizes: [3, 6],
      slotsPerStratum: 36,
    });
    expect(trial.stratification).toEqual([
      { id: 'site', levels: ['north', 'south'] },
      { id: 'sex', levels: ['F', 'M'] },
    ]);
    expect(stratumKeys(trial.stratification)).toEqual([
      'site=north;sex=F',
      'site=north;sex=M',
      'site=south;sex=F',
      'site=south;sex=M',
    ]);
    expect(trial.preparation.otherSyringe).toBeUndefined();
    expect(trial.preparation.injectionCount).toBeUndefined();
    expect(trial.preparation.needle).toBeUndefined();
  });

  describe('with a file it cannot use', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'trial-file-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names a file that cannot be read', () => {
      const path = join(dir, 'absent.json');
      const error = errorOf(() => loadTrialFile(path));
      expect(error.path).toBe('$');
      expect(error.message).toContain(path);
      expect(error.message).toContain('cannot be read');
    });

    it('names a file that is not valid JSON', () => {
      const path = join(dir, 'broken.json');
      writeFileSync(path, '{"protocolId": "X",');
      const error = errorOf(() => loadTrialFile(path));
      expect(error.message).toMatch(new RegExp(`^Trial file ${path}: \\$ is not valid JSON`));
    });

    it('names the file and the field of a valid JSON file with a bad value', () => {
      const path = join(dir, 'bad.json');
      const raw = nctFile();
      raw.targetSize = 0;
      writeFileSync(path, JSON.stringify(raw));
      const error = errorOf(() => loadTrialFile(path));
      expect(error.source).toBe(path);
      expect(error.message).toBe(
        `Trial file ${path}: $.targetSize must be an integer from 1 to 1000000`,
      );
    });
  });
});

describe(parseTrialDefinition.name, () => {
  it('gives slotsPerStratum the target size when the file does not set it', () => {
    const raw = nctFile();
    expect(parseTrialDefinition(raw, 'copy').randomization.slotsPerStratum).toBe(20);
    at(raw, 'randomization').slotsPerStratum = 40;
    expect(parseTrialDefinition(raw, 'copy').randomization.slotsPerStratum).toBe(40);
  });

  it('refuses more than MAX_STRATA strata: 8 factors of 10 levels would be 10^8', () => {
    const raw = nctFile();
    raw.stratification = Array.from({ length: 8 }, (_, f) => ({
      id: `f${f}`,
      levels: Array.from({ length: 10 }, (_, l) => `l${l}`),
    }));
    expect(errorOf(() => parseTrialDefinition(raw, 'copy')).message).toMatch(
      /\$\.stratification.*gives 100000000 strata .* at most 1000/,
    );
    // The bound itself is allowed: 10 × 10 × 10 strata of 20 slots.
    raw.stratification = raw.stratification.slice(0, 3);
    expect(parseTrialDefinition(raw, 'copy').stratification).toHaveLength(3);
    expect(MAX_STRATA).toBe(1000);
  });

  it('refuses a list of more than MAX_LIST_SLOTS slots (strata × slots per stratum)', () => {
    const raw = nctFile();
    at(raw, 'randomization').slotsPerStratum = MAX_LIST_SLOTS + 4;
    expect(errorOf(() => parseTrialDefinition(raw, 'copy')).message).toMatch(
      /\$\.randomization\.slotsPerStratum.*a list holds at most 100000/,
    );
  });

  it('accepts simple randomization without block sizes', () => {
    const raw = nctFile();
    at(raw, 'randomization').method = 'simple';
    delete at(raw, 'randomization').blockSizes;
    expect(parseTrialDefinition(raw, 'copy').randomization).toEqual({
      method: 'simple',
      blockSizes: [],
      slotsPerStratum: 20,
    });
  });

  it('accepts a file without secondary ids', () => {
    const raw = nctFile();
    delete raw.secondaryIds;
    expect(parseTrialDefinition(raw, 'copy').secondaryIds).toEqual([]);
  });

  it('refuses a file that is not a JSON object', () => {
    expect(errorOf(() => parseTrialDefinition([], 'copy')).message).toBe(
      'Trial file copy: $ must be an object',
    );
  });

  // Each row breaks one field of a deep copy of the NCT02286011 file; the error must name the
  // JSON path of that field and say what is wrong with it.
  it.each<[string, (raw: JsonObject) => void, string, RegExp]>([
    // top level
    ['an unknown field', (r) => (r.sponsor = 'x'), '$.sponsor', /is not a known field/],
    ['an empty protocol id', (r) => (r.protocolId = ''), '$.protocolId', /non-empty string/],
    ['a protocol id with a space', (r) => (r.protocolId = 'NCT 1'), '$.protocolId', /must match/],
    ['a missing title', (r) => delete r.title, '$.title', /non-empty string/],
    ['a blank site', (r) => (r.site = '  '), '$.site', /non-empty string/],
    ['a missing time zone', (r) => delete r.timeZone, '$.timeZone', /non-empty string/],
    [
      'a time zone that does not exist',
      (r) => (r.timeZone = 'Europe/Murcia'),
      '$.timeZone',
      /"Europe\/Murcia" is not an IANA time zone name/,
    ],
    [
      'a time zone given as an offset',
      (r) => (r.timeZone = '+01:00'),
      '$.timeZone',
      /not an IANA time zone name/,
    ],
    [
      'a time zone in the wrong case',
      (r) => (r.timeZone = 'europe/madrid'),
      '$.timeZone',
      /must be written as the IANA name Europe\/Madrid/,
    ],
    ['a time zone given as a number', (r) => (r.timeZone = 1), '$.timeZone', /non-empty string/],
    [
      'a secondary id without its id',
      (r) => delete at(r, 'secondaryIds', 0).id,
      '$.secondaryIds[0].id',
      /non-empty string/,
    ],
    ['a target size of zero', (r) => (r.targetSize = 0), '$.targetSize', /integer from 1/],
    ['a fractional target size', (r) => (r.targetSize = 20.5), '$.targetSize', /integer/],
    ['a target size given as text', (r) => (r.targetSize = '20'), '$.targetSize', /integer/],
    // allocation
    [
      'allocation that is not an object',
      (r) => (r.allocation = null),
      '$.allocation',
      /must be an object/,
    ],
    [
      'an unknown allocation field',
      (r) => (at(r, 'allocation').arms = 2),
      '$.allocation.arms',
      /is not a known field/,
    ],
    [
      'a single target',
      (r) => (at(r, 'allocation').targets = [at(r, 'allocation', 'targets', 0)]),
      '$.allocation.targets',
      /at least two targets/,
    ],
    [
      'no targets',
      (r) => (at(r, 'allocation').targets = []),
      '$.allocation.targets',
      /must not be empty/,
    ],
    [
      'a lower-case target id',
      (r) => (at(r, 'allocation', 'targets', 0).id = 'left'),
      '$.allocation.targets[0].id',
      /must match/,
    ],
    [
      'a repeated target id',
      (r) => (at(r, 'allocation', 'targets', 1).id = 'LEFT'),
      '$.allocation.targets[1]',
      /repeats .*"LEFT"/,
    ],
    [
      'a target ratio of zero',
      (r) => (at(r, 'allocation', 'targets', 1).ratio = 0),
      '$.allocation.targets[1].ratio',
      /integer from 1 to 100/,
    ],
    [
      'an unknown target field',
      (r) => (at(r, 'allocation', 'targets', 0).colour = 'red'),
      '$.allocation.targets[0].colour',
      /is not a known field/,
    ],
    // randomization
    [
      'an unknown method',
      (r) => (at(r, 'randomization').method = 'urn'),
      '$.randomization.method',
      /must be one of "simple", "permuted-blocks", "efron-biased-coin", "big-stick"/,
    ],
    [
      'an unknown randomization field',
      (r) => (at(r, 'randomization').seed = 1),
      '$.randomization.seed',
      /is not a known field/,
    ],
    [
      'permuted blocks without block sizes',
      (r) => delete at(r, 'randomization').blockSizes,
      '$.randomization.blockSizes',
      /must be an array/,
    ],
    [
      'an empty list of block sizes',
      (r) => (at(r, 'randomization').blockSizes = []),
      '$.randomization.blockSizes',
      /must not be empty/,
    ],
    [
      'a block size of zero',
      (r) => (at(r, 'randomization').blockSizes = [2, 0]),
      '$.randomization.blockSizes[1]',
      /integer of at least 1/,
    ],
    [
      'a block size given as text',
      (r) => (at(r, 'randomization').blockSizes = ['2', 4]),
      '$.randomization.blockSizes[0]',
      /integer/,
    ],
    [
      'a block size not a multiple of the ratio total',
      (r) => (at(r, 'randomization').blockSizes = [2, 3]),
      '$.randomization.blockSizes[1]',
      /multiple of the ratio total 2/,
    ],
    [
      'a block size that no longer fits a changed ratio',
      (r) => (at(r, 'allocation', 'targets', 0).ratio = 2),
      '$.randomization.blockSizes[0]',
      /multiple of the ratio total 3/,
    ],
    [
      'a repeated block size',
      (r) => (at(r, 'randomization').blockSizes = [2, 4, 2]),
      '$.randomization.blockSizes[2]',
      /repeats/,
    ],
    [
      'a target size whole blocks cannot fill',
      (r) => (r.targetSize = 21),
      '$.targetSize',
      /21 slots .*cannot fill exactly \(use a multiple of 2\)/,
    ],
    [
      'slots per stratum whole blocks cannot fill',
      (r) => Object.assign(at(r, 'randomization'), { blockSizes: [4, 8], slotsPerStratum: 22 }),
      '$.randomization.slotsPerStratum',
      /22 slots .*multiple of 4/,
    ],
    [
      'slots per stratum of zero',
      (r) => (at(r, 'randomization').slotsPerStratum = 0),
      '$.randomization.slotsPerStratum',
      /integer from 1/,
    ],
    [
      'block sizes with simple randomization',
      (r) => (at(r, 'randomization').method = 'simple'),
      '$.randomization.blockSizes',
      /permuted blocks only/,
    ],
    // stratification
    [
      'stratification that is not an array',
      (r) => (r.stratification = {}),
      '$.stratification',
      /must be an array/,
    ],
    [
      'a factor without levels',
      (r) => (r.stratification = [{ id: 'site', levels: [] }]),
      '$.stratification[0].levels',
      /must not be empty/,
    ],
    [
      'a factor id with a separator',
      (r) => (r.stratification = [{ id: 'si=te', levels: ['a'] }]),
      '$.stratification[0].id',
      /must match/,
    ],
    [
      'a level with a separator',
      (r) => (r.stratification = [{ id: 'site', levels: ['a;b'] }]),
      '$.stratification[0].levels[0]',
      /must match/,
    ],
    [
      'a repeated factor id',
      (r) =>
        (r.stratification = [
          { id: 'site', levels: ['a'] },
          { id: 'site', levels: ['b'] },
        ]),
      '$.stratification[1]',
      /repeats .*"site"/,
    ],
    [
      'a repeated level',
      (r) =>
        (r.stratification = [
          { id: 'site', levels: ['a'] },
          { id: 'sex', levels: ['F', 'M', 'F'] },
        ]),
      '$.stratification[1].levels[2]',
      /repeats .*"F"/,
    ],
    [
      'an unknown factor field',
      (r) => (r.stratification = [{ id: 'site', levels: ['a'], weight: 1 }]),
      '$.stratification[0].weight',
      /is not a known field/,
    ],
    // eligibility
    [
      'an unknown eligibility field',
      (r) => (at(r, 'eligibility').sex = 'any'),
      '$.eligibility.sex',
      /is not a known field/,
    ],
    [
      'a negative minimum age',
      (r) => (at(r, 'eligibility').minAge = -1),
      '$.eligibility.minAge',
      /integer from 0 to 150/,
    ],
    [
      'a maximum age below the minimum',
      (r) => (at(r, 'eligibility').maxAge = 17),
      '$.eligibility.maxAge',
      /integer from 18 to 150/,
    ],
    [
      'a maximum age above 150',
      (r) => (at(r, 'eligibility').maxAge = 151),
      '$.eligibility.maxAge',
      /integer from 18 to 150/,
    ],
    [
      'a fractional maximum age',
      (r) => (at(r, 'eligibility').maxAge = 70.5),
      '$.eligibility.maxAge',
      /integer/,
    ],
    [
      'inclusion that is not an array',
      (r) => (at(r, 'eligibility').inclusion = 'all'),
      '$.eligibility.inclusion',
      /must be an array/,
    ],
    [
      'a criterion that is not an object',
      (r) => (at(r, 'eligibility', 'exclusion')[3] = 'exc-x'),
      '$.eligibility.exclusion[3]',
      /must be an object/,
    ],
    [
      'a criterion without text',
      (r) => delete at(r, 'eligibility', 'inclusion', 2).text,
      '$.eligibility.inclusion[2].text',
      /non-empty string/,
    ],
    [
      'a criterion id with a space',
      (r) => (at(r, 'eligibility', 'exclusion', 0).id = 'exc diabetes'),
      '$.eligibility.exclusion[0].id',
      /must match/,
    ],
    [
      'an unknown criterion field',
      (r) => (at(r, 'eligibility', 'inclusion', 0).required = true),
      '$.eligibility.inclusion[0].required',
      /is not a known field/,
    ],
    [
      'a repeated exclusion id',
      (r) => (at(r, 'eligibility', 'exclusion', 2).id = 'exc-diabetes'),
      '$.eligibility.exclusion[2].id',
      /repeats the criterion id "exc-diabetes"/,
    ],
    [
      'an id used by both an inclusion and an exclusion',
      (r) => (at(r, 'eligibility', 'exclusion', 0).id = 'inc-adherence'),
      '$.eligibility.exclusion[0].id',
      /repeats the criterion id "inc-adherence"/,
    ],
    [
      'an inclusion criterion with the id "age"',
      (r) => (at(r, 'eligibility', 'inclusion', 1).id = 'age'),
      '$.eligibility.inclusion[1].id',
      /uses "age", which is reserved for the age range/,
    ],
    [
      'an exclusion criterion with the id "age"',
      (r) => (at(r, 'eligibility', 'exclusion', 9).id = 'age'),
      '$.eligibility.exclusion[9].id',
      /uses "age", which is reserved for the age range/,
    ],
    // participant ids
    [
      'a missing participant id format',
      (r) => delete r.participantIds,
      '$.participantIds',
      /must be an object/,
    ],
    [
      'a participant id prefix with a space',
      (r) => (at(r, 'participantIds').prefix = 'ELA 1'),
      '$.participantIds.prefix',
      /must match/,
    ],
    [
      'zero participant id digits',
      (r) => (at(r, 'participantIds').digits = 0),
      '$.participantIds.digits',
      /integer from 1 to 9/,
    ],
    // preparation
    [
      'an unknown preparation field',
      (r) => (at(r, 'preparation').dose = 1),
      '$.preparation.dose',
      /is not a known field/,
    ],
    [
      'a missing product',
      (r) => delete at(r, 'preparation').product,
      '$.preparation.product',
      /non-empty string/,
    ],
    [
      'a syringe volume of zero',
      (r) => (at(r, 'preparation', 'allocatedSyringe').volumeMl = 0),
      '$.preparation.allocatedSyringe.volumeMl',
      /positive number/,
    ],
    [
      'a syringe without a name',
      (r) => delete at(r, 'preparation', 'otherSyringe').name,
      '$.preparation.otherSyringe.name',
      /non-empty string/,
    ],
    [
      'two syringes with the same name',
      (r) => (at(r, 'preparation', 'otherSyringe').name = 'CELLS'),
      '$.preparation.otherSyringe.name',
      /must differ from \$.preparation.allocatedSyringe.name/,
    ],
    [
      'syringes of different volumes, which the ward would tell apart',
      (r) => (at(r, 'preparation', 'otherSyringe').volumeMl = 2.5),
      '$.preparation.otherSyringe.volumeMl',
      /must equal \$.preparation.allocatedSyringe.volumeMl \(2\)/,
    ],
    [
      'an unknown syringe field',
      (r) => (at(r, 'preparation', 'otherSyringe').label = 'B'),
      '$.preparation.otherSyringe.label',
      /is not a known field/,
    ],
    [
      'an injection count of zero',
      (r) => (at(r, 'preparation').injectionCount = 0),
      '$.preparation.injectionCount',
      /integer from 1 to 100/,
    ],
    [
      'a negative injection volume',
      (r) => (at(r, 'preparation').injectionVolumeMl = -0.5),
      '$.preparation.injectionVolumeMl',
      /positive number/,
    ],
    [
      'an empty needle',
      (r) => (at(r, 'preparation').needle = ''),
      '$.preparation.needle',
      /non-empty string/,
    ],
    [
      'an empty instruction',
      (r) => (at(r, 'preparation', 'instructions')[1] = ''),
      '$.preparation.instructions[1]',
      /non-empty string/,
    ],
  ])('names the field of %s', (_what, mutate, path, problem) => {
    const raw = nctFile();
    mutate(raw);
    const error = errorOf(() => parseTrialDefinition(raw, 'nct02286011-copy.json'));
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`Trial file nct02286011-copy.json: ${path} `)).toBe(true);
    expect(error.message).toMatch(problem);
  });
});
