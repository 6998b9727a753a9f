import { checkedAddresses, MAIL_AUDIENCES, MailRecipientLists } from './mail-address';

/**
 * A trial is a file under config/trials. This module defines its shape and validates a parsed
 * file into a TrialDefinition, naming the path of the first bad field, so a malformed file stops
 * the start with a message that says what to fix.
 */

export interface TrialTarget {
  /** Stable id stored in the list and returned by the API, e.g. LEFT or RIGHT. */
  id: string;
  label: string;
  /** Relative weight in the allocation ratio (1:1 is 1 and 1). */
  ratio: number;
}

/** At most this many strata (the product of the factors' level counts): docs/randomization.md. */
export const MAX_STRATA = 1_000;
/** At most this many slots in a list (strata × slots per stratum): docs/randomization.md. */
export const MAX_LIST_SLOTS = 100_000;

export const RANDOMIZATION_METHODS = [
  'simple',
  'permuted-blocks',
  'efron-biased-coin',
  'big-stick',
] as const;
export type RandomizationMethod = (typeof RANDOMIZATION_METHODS)[number];

/** Efron's p when the trial file leaves it out (Efron 1971): the arm behind is favoured 2:1. */
export const DEFAULT_EFRON_P = 2 / 3;
/** The big-stick design's b when the trial file leaves it out (Soares and Wu 1983). */
export const DEFAULT_MAX_IMBALANCE = 3;

export interface RandomizationDesign {
  method: RandomizationMethod;
  /** Block sizes drawn with equal probability; one size means fixed blocks. Permuted blocks only. */
  blockSizes: number[];
  /** Slots generated for each stratum's list; defaults to the trial's target size. */
  slotsPerStratum: number;
  /**
   * Efron's biased coin only (and then always present, the default written out): the chance, in
   * (1/2, 1], that a slot goes to the arm behind when the two arms differ. Absent for the other
   * methods, so that their definitions (and the hash stored at set-up) are what they always were.
   */
  p?: number;
  /** Big-stick only (and then always present): the largest |#A - #B| the list may reach. */
  maxImbalance?: number;
}

export interface StratificationFactor {
  id: string;
  levels: string[];
}

export interface EligibilityCriterion {
  id: string;
  text: string;
}

export interface EligibilityRules {
  minAge: number;
  maxAge: number;
  /** Each must be answered true (the criterion is met) for the participant to be eligible. */
  inclusion: EligibilityCriterion[];
  /** Each must be answered false (the exclusion does not apply) for the participant to be eligible. */
  exclusion: EligibilityCriterion[];
}

export interface SyringeSpec {
  /** A short unmistakable name for the pharmacy copy's headline (CELLS, SALINE); never on a label. */
  name: string;
  contents: string;
  volumeMl: number;
}

export interface PreparationSpec {
  product: string;
  /** What goes to the allocated target (here: the limb receiving cells). */
  allocatedSyringe: SyringeSpec;
  /** What goes to the other target, when the design has one (here: saline, contralateral limb). */
  otherSyringe?: SyringeSpec;
  site: string;
  injectionCount?: number;
  injectionVolumeMl?: number;
  needle?: string;
  instructions: string[];
}

export interface TrialDefinition {
  protocolId: string;
  secondaryIds: { type: string; id: string }[];
  title: string;
  site: string;
  /** IANA time zone name (Europe/Madrid): printed times are shown in it; the API keeps UTC. */
  timeZone: string;
  targetSize: number;
  allocation: { describes: string; targets: TrialTarget[] };
  randomization: RandomizationDesign;
  stratification: StratificationFactor[];
  eligibility: EligibilityRules;
  participantIds: { prefix: string; digits: number };
  preparation: PreparationSpec;
}

export class TrialDefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`Trial file ${source}: ${path} ${problem}`);
    this.name = 'TrialDefinitionError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Reads fields of an untyped object, failing with the JSON path of the offending field. */
class FieldReader {
  constructor(
    private readonly source: string,
    private readonly value: unknown,
    readonly path: string,
  ) {}

  fail(problem: string, path = this.path): never {
    throw new TrialDefinitionError(this.source, path, problem);
  }

  private object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) {
      this.fail('must be an object');
    }
    return this.value as Record<string, unknown>;
  }

  child(key: string): FieldReader {
    return new FieldReader(this.source, this.object()[key], `${this.path}.${key}`);
  }

  has(key: string): boolean {
    return this.object()[key] !== undefined;
  }

  rejectUnknown(allowed: string[]): void {
    for (const key of Object.keys(this.object())) {
      if (!allowed.includes(key)) this.fail('is not a known field', `${this.path}.${key}`);
    }
  }

  string(key: string, pattern?: RegExp): string {
    const value = this.object()[key];
    const path = `${this.path}.${key}`;
    if (typeof value !== 'string' || value.trim() === '')
      this.fail('must be a non-empty string', path);
    if (pattern && !pattern.test(value)) this.fail(`must match ${String(pattern)}`, path);
    return value;
  }

  integer(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.object()[key];
    const path = `${this.path}.${key}`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`must be an integer from ${min} to ${max}`, path);
    }
    return value;
  }

  positiveNumber(key: string): number {
    const value = this.object()[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.fail('must be a positive number', `${this.path}.${key}`);
    }
    return value;
  }

  array(key: string, options: { nonEmpty: boolean }): FieldReader[] {
    const value = this.object()[key];
    const path = `${this.path}.${key}`;
    if (!Array.isArray(value)) this.fail('must be an array', path);
    if (options.nonEmpty && value.length === 0) this.fail('must not be empty', path);
    return value.map((item, index) => new FieldReader(this.source, item, `${path}[${index}]`));
  }

  asString(): string {
    if (typeof this.value !== 'string' || this.value.trim() === '') {
      this.fail('must be a non-empty string');
    }
    return this.value;
  }

  /** Efron's p: a number greater than 1/2 and at most 1 (1/2 would be simple randomization). */
  asProbability(): number {
    if (typeof this.value !== 'number' || !(this.value > 0.5 && this.value <= 1)) {
      this.fail('must be a number greater than 0.5 and at most 1');
    }
    return this.value;
  }

  asInteger(min: number): number {
    if (typeof this.value !== 'number' || !Number.isInteger(this.value) || this.value < min) {
      this.fail(`must be an integer of at least ${min}`);
    }
    return this.value;
  }
}

function requireUnique(reader: FieldReader, ids: string[], what: string): void {
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (seen.has(id)) reader.fail(`repeats the ${what} id "${id}"`, `${what}[${index}]`);
    seen.add(id);
  });
}

function parseSyringe(reader: FieldReader): SyringeSpec {
  reader.rejectUnknown(['name', 'contents', 'volumeMl']);
  return {
    name: reader.string('name'),
    contents: reader.string('contents'),
    volumeMl: reader.positiveNumber('volumeMl'),
  };
}

/** An IANA zone name exactly as the time zone database spells it (no offsets, no aliases). */
function parseTimeZone(reader: FieldReader, key: string): string {
  const name = reader.string(key);
  const path = `$.${key}`;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return reader.fail(`"${name}" is not an IANA time zone name such as Europe/Madrid`, path);
  }
  if (canonical !== name || !/^[A-Za-z]/.test(name)) {
    reader.fail(`"${name}" must be written as the IANA name ${canonical}`, path);
  }
  return name;
}

function parseCriteria(reader: FieldReader, key: string): EligibilityCriterion[] {
  return reader.array(key, { nonEmpty: false }).map((item) => {
    item.rejectUnknown(['id', 'text']);
    return { id: item.string('id', ID_PATTERN), text: item.string('text') };
  });
}

/** Validates a parsed trial file. `source` names the file in error messages. */
export function parseTrialDefinition(raw: unknown, source: string): TrialDefinition {
  const root = new FieldReader(source, raw, '$');
  root.rejectUnknown([
    'protocolId',
    'secondaryIds',
    'title',
    'site',
    'timeZone',
    'targetSize',
    'allocation',
    'randomization',
    'stratification',
    'eligibility',
    'participantIds',
    'preparation',
    'mailRecipients',
  ]);
  // Checked here so that a bad address stops the start like any other bad field; kept out of
  // the definition (see parseTrialMailRecipients).
  parseTrialMailRecipients(raw, source);

  const targetSize = root.integer('targetSize', 1, 1_000_000);

  const allocation = root.child('allocation');
  allocation.rejectUnknown(['describes', 'targets']);
  const targets = allocation.array('targets', { nonEmpty: true }).map((item) => {
    item.rejectUnknown(['id', 'label', 'ratio']);
    return {
      id: item.string('id', /^[A-Z][A-Z0-9_]{0,31}$/),
      label: item.string('label'),
      ratio: item.integer('ratio', 1, 100),
    };
  });
  if (targets.length < 2) allocation.fail('must list at least two targets', '$.allocation.targets');
  requireUnique(
    allocation,
    targets.map((t) => t.id),
    '$.allocation.targets',
  );

  const randomizationSection = root.child('randomization');
  const randomization = parseRandomization(randomizationSection, targets, targetSize);
  const { slotsPerStratum } = randomization;

  const stratification = root.array('stratification', { nonEmpty: false }).map((item, index) => {
    item.rejectUnknown(['id', 'levels']);
    const levels = item.array('levels', { nonEmpty: true }).map((level) => {
      const text = level.asString();
      if (!ID_PATTERN.test(text)) level.fail(`must match ${String(ID_PATTERN)}`);
      return text;
    });
    // A repeated level would give two strata the same key.
    requireUnique(item, levels, `$.stratification[${index}].levels`);
    return { id: item.string('id', ID_PATTERN), levels };
  });
  requireUnique(
    root,
    stratification.map((f) => f.id),
    '$.stratification',
  );
  // Bounds, so that a small hostile file cannot make the list (strata × slots) exhaust memory.
  const strata = stratification.reduce((product, f) => product * f.levels.length, 1);
  if (strata > MAX_STRATA) {
    root.fail(
      `gives ${strata} strata (the product of its factors' levels); at most ${MAX_STRATA} are allowed`,
      '$.stratification',
    );
  }
  if (strata * slotsPerStratum > MAX_LIST_SLOTS) {
    randomizationSection.fail(
      `gives ${strata} strata × ${slotsPerStratum} slots = ${strata * slotsPerStratum} slots; a list holds at most ${MAX_LIST_SLOTS}`,
      randomizationSection.has('slotsPerStratum')
        ? '$.randomization.slotsPerStratum'
        : '$.targetSize',
    );
  }

  const eligibility = root.child('eligibility');
  eligibility.rejectUnknown(['minAge', 'maxAge', 'inclusion', 'exclusion']);
  const minAge = eligibility.integer('minAge', 0, 150);
  const maxAge = eligibility.integer('maxAge', minAge, 150);
  const inclusion = parseCriteria(eligibility, 'inclusion');
  const exclusion = parseCriteria(eligibility, 'exclusion');
  // Criterion ids are unique across inclusion and exclusion, and 'age' is the id under which an
  // age outside [minAge, maxAge] is reported, so no criterion may take it.
  const criterionIds = new Set<string>();
  for (const [key, criteria] of [
    ['inclusion', inclusion],
    ['exclusion', exclusion],
  ] as const) {
    criteria.forEach(({ id }, index) => {
      const path = `$.eligibility.${key}[${index}].id`;
      if (id === AGE_CRITERION)
        eligibility.fail('uses "age", which is reserved for the age range', path);
      if (criterionIds.has(id)) eligibility.fail(`repeats the criterion id "${id}"`, path);
      criterionIds.add(id);
    });
  }

  const participantIds = root.child('participantIds');
  participantIds.rejectUnknown(['prefix', 'digits']);

  const preparation = root.child('preparation');
  preparation.rejectUnknown([
    'product',
    'allocatedSyringe',
    'otherSyringe',
    'site',
    'injectionCount',
    'injectionVolumeMl',
    'needle',
    'instructions',
  ]);

  const allocatedSyringe = parseSyringe(preparation.child('allocatedSyringe'));
  const otherSyringe = preparation.has('otherSyringe')
    ? parseSyringe(preparation.child('otherSyringe'))
    : undefined;
  // The ward labels show the volume, and the pharmacy headline the names: both must tell the
  // syringes apart only where they are meant to.
  if (otherSyringe && otherSyringe.volumeMl !== allocatedSyringe.volumeMl) {
    preparation.fail(
      `must equal $.preparation.allocatedSyringe.volumeMl (${allocatedSyringe.volumeMl}): syringes of different volumes would unblind the ward`,
      '$.preparation.otherSyringe.volumeMl',
    );
  }
  if (otherSyringe && otherSyringe.name === allocatedSyringe.name) {
    preparation.fail(
      'must differ from $.preparation.allocatedSyringe.name',
      '$.preparation.otherSyringe.name',
    );
  }

  const secondaryIds = root.has('secondaryIds')
    ? root.array('secondaryIds', { nonEmpty: false }).map((item) => {
        item.rejectUnknown(['type', 'id']);
        return { type: item.string('type'), id: item.string('id') };
      })
    : [];

  return {
    protocolId: root.string('protocolId', /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/),
    secondaryIds,
    title: root.string('title'),
    site: root.string('site'),
    timeZone: parseTimeZone(root, 'timeZone'),
    targetSize,
    allocation: { describes: allocation.string('describes'), targets },
    randomization,
    stratification,
    eligibility: { minAge, maxAge, inclusion, exclusion },
    participantIds: {
      prefix: participantIds.string('prefix', /^[A-Za-z0-9_-]{1,16}$/),
      digits: participantIds.integer('digits', 1, 9),
    },
    preparation: {
      product: preparation.string('product'),
      allocatedSyringe,
      otherSyringe,
      site: preparation.string('site'),
      injectionCount: preparation.has('injectionCount')
        ? preparation.integer('injectionCount', 1, 100)
        : undefined,
      injectionVolumeMl: preparation.has('injectionVolumeMl')
        ? preparation.positiveNumber('injectionVolumeMl')
        : undefined,
      needle: preparation.has('needle') ? preparation.string('needle') : undefined,
      instructions: preparation
        .array('instructions', { nonEmpty: false })
        .map((item) => item.asString()),
    },
  };
}

/**
 * The list method section (`randomization`): method, block sizes, slots per stratum, and Efron's p
 * or the big-stick bound. The block sizes must be multiples of the targets' ratio total and fill
 * `slotsPerStratum` (the target size when absent) with whole blocks.
 */
function parseRandomization(
  randomization: FieldReader,
  targets: TrialTarget[],
  targetSize: number,
  /** Where an absent slotsPerStratum comes from, for the message when blocks cannot fill it. */
  targetSizePath = '$.targetSize',
): RandomizationDesign {
  randomization.rejectUnknown(['method', 'blockSizes', 'slotsPerStratum', 'p', 'maxImbalance']);
  const at = (key: string) => `${randomization.path}.${key}`;
  const method = parseMethod(randomization.string('method'), randomization);
  const sequential = method === 'efron-biased-coin' || method === 'big-stick';
  // Both sequential designs are defined on |#A - #B|: two targets in 1:1 (docs/randomization.md).
  if (sequential && (targets.length !== 2 || targets[0].ratio !== targets[1].ratio)) {
    randomization.fail(
      `"${method}" needs exactly two targets in the ratio 1:1 (the trial has ${targets.map((t) => t.ratio).join(':')})`,
      at('method'),
    );
  }
  if (method !== 'efron-biased-coin' && randomization.has('p')) {
    randomization.fail('applies to efron-biased-coin only', at('p'));
  }
  if (method !== 'big-stick' && randomization.has('maxImbalance')) {
    randomization.fail('applies to big-stick only', at('maxImbalance'));
  }
  const ratioSum = targets.reduce((sum, t) => sum + t.ratio, 0);
  const slotsPerStratum = randomization.has('slotsPerStratum')
    ? randomization.integer('slotsPerStratum', 1, 10_000_000)
    : targetSize;
  let blockSizes: number[] = [];
  if (method === 'permuted-blocks') {
    blockSizes = randomization.array('blockSizes', { nonEmpty: true }).map((item) => {
      const size = item.asInteger(1);
      if (size % ratioSum !== 0) {
        item.fail(`must be a multiple of the ratio total ${ratioSum}`);
      }
      return size;
    });
    requireUnique(randomization, blockSizes.map(String), at('blockSizes'));
    const unit = blockSizes.reduce(gcd);
    if (slotsPerStratum % unit !== 0) {
      randomization.fail(
        `gives ${slotsPerStratum} slots per stratum, which whole blocks of sizes ${blockSizes.join(', ')} cannot fill exactly (use a multiple of ${unit})`,
        randomization.has('slotsPerStratum') ? at('slotsPerStratum') : targetSizePath,
      );
    }
  } else if (
    randomization.has('blockSizes') &&
    randomization.array('blockSizes', { nonEmpty: false }).length > 0
  ) {
    // An empty array is what a parsed definition carries (and so an export's embedded trial).
    randomization.fail('applies to permuted blocks only', at('blockSizes'));
  }
  if (method === 'efron-biased-coin') {
    const p = randomization.has('p') ? randomization.child('p').asProbability() : DEFAULT_EFRON_P;
    return { method, blockSizes, slotsPerStratum, p };
  }
  if (method === 'big-stick') {
    const maxImbalance = randomization.has('maxImbalance')
      ? randomization.integer('maxImbalance', 1, 1_000)
      : DEFAULT_MAX_IMBALANCE;
    return { method, blockSizes, slotsPerStratum, maxImbalance };
  }
  return { method, blockSizes, slotsPerStratum };
}

/**
 * A variant of a trial's list method section, validated by the very rules of the trial file
 * (parseRandomization) against the trial's targets; `path` names the variant in messages
 * (`$.design`). Left out, slotsPerStratum is the trial's target size, as in the file.
 */
export function parseRandomizationVariant(
  raw: unknown,
  trial: Pick<TrialDefinition, 'allocation' | 'targetSize'>,
  source: string,
  path: string,
): RandomizationDesign {
  return parseRandomization(
    new FieldReader(source, raw, path),
    trial.allocation.targets,
    trial.targetSize,
    `${path}.slotsPerStratum (absent: the target size)`,
  );
}

/**
 * The trial file's optional `mailRecipients` section: `{sponsor?, investigators?, admins?}`, each
 * an array of addresses. Recipients are operational, not the trial's design: they stay out of
 * TrialDefinition, so that its hash (stored at set-up, compared at every start) and the list
 * export neither change when someone joins the sponsor's list nor carry anyone's address.
 */
export function parseTrialMailRecipients(raw: unknown, source: string): MailRecipientLists {
  const root = new FieldReader(source, raw, '$');
  if (!root.has('mailRecipients')) return {};
  const section = root.child('mailRecipients');
  section.rejectUnknown([...MAIL_AUDIENCES]);
  const lists: MailRecipientLists = {};
  for (const audience of MAIL_AUDIENCES) {
    if (!section.has(audience)) continue;
    const path = `${section.path}.${audience}`;
    const items = section.array(audience, { nonEmpty: false }).map((item) => item.asString());
    const checked = checkedAddresses(items);
    if ('problem' in checked) return section.fail(checked.problem, path);
    lists[audience] = checked.addresses;
  }
  return lists;
}

function parseMethod(text: string, reader: FieldReader): RandomizationMethod {
  const known = RANDOMIZATION_METHODS.find((method) => method === text);
  if (known !== undefined) return known;
  return reader.fail(
    `must be one of ${RANDOMIZATION_METHODS.map((m) => `"${m}"`).join(', ')}`,
    `${reader.path}.method`,
  );
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Every stratum key of a design, in a fixed order (factor order, then level order). */
export function stratumKeys(factors: StratificationFactor[]): string[] {
  let combinations: string[][] = [[]];
  for (const factor of factors) {
    combinations = combinations.flatMap((prefix) =>
      factor.levels.map((level) => [...prefix, level]),
    );
  }
  return combinations.map((levels) => stratumKey(factors, levels));
}

/** The key of one stratum: `factor=level` in factor order, joined by ';'; 'all' without factors. */
export function stratumKey(factors: StratificationFactor[], levels: string[]): string {
  if (factors.length === 0) return ALL_PARTICIPANTS_STRATUM;
  return factors.map((factor, i) => `${factor.id}=${levels[i]}`).join(';');
}

/** The criterion id under which an age outside the trial's range is reported. */
export const AGE_CRITERION = 'age';

/** The one stratum of an unstratified trial. */
export const ALL_PARTICIPANTS_STRATUM = 'all';
