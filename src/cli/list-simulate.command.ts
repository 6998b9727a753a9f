import {
  parseRandomizationVariant,
  RandomizationDesign,
  TrialDefinition,
  TrialDefinitionError,
} from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { ListDesignError, newListSeed } from '../randomization/list-generator';
import {
  DesignSimulation,
  Estimate,
  reportedCounts,
  simulateDesign,
} from '../randomization/list-simulation';
import {
  compareDesigns,
  ComparedDesign,
  designLabel,
  designsToCompare,
  fraction,
} from '../randomization/list-simulation-comparison';
import { CliCommand, CliIo, EXIT_USAGE, EXIT_VALID, parseOptions, UsageError } from './cli-io';

/**
 * `list simulate`: balance and predictability of a trial file's list design over many seeds, to
 * compare designs before the real list is generated. The computation is list-simulation.ts.
 */
export const listSimulateCommand: CliCommand = {
  words: ['list', 'simulate'],
  usage:
    'list simulate --trial <trial.json> [--runs N] [--seed S] [--compare "blocks:2,4;efron:2/3;big-stick:3;simple"]',
  summary:
    "Simulate a trial file's list design over many seeds (default 10000): imbalance at each enrolment count and how often an observer guessing the arm behind would be right; then the design side by side with others (--compare; by default permuted blocks, Efron's biased coin, the big stick and simple randomization), exactly where the design is small enough.",
  run: (args, io) => Promise.resolve(runListSimulate(args, io)),
};

const DEFAULT_RUNS = 10_000;
const MAX_RUNS = 1_000_000;
/** Imbalance values shown one per column; larger ones are added up in a last column. */
const MAX_IMBALANCE_COLUMNS = 7;

function runListSimulate(args: string[], io: CliIo): number {
  const { positional, options } = parseOptions(args, ['trial', 'runs', 'seed', 'compare']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const trialPath = options.get('trial');
  if (trialPath === undefined) throw new UsageError('--trial <trial.json> is required');
  const runs = parseRuns(options.get('runs'));
  const seed = options.get('seed') ?? newListSeed();
  if (seed === '') throw new UsageError('--seed must not be empty');

  let trial: TrialDefinition;
  let result: DesignSimulation;
  let comparison: ComparedDesign[];
  try {
    trial = loadTrialFile(trialPath);
    const slots = trial.randomization.slotsPerStratum;
    result = simulateDesign(trial, { runs, seed, reportAt: reportedCounts(slots) });
    const compared = options.get('compare');
    const designs =
      compared === undefined
        ? designsToCompare(trial.allocation, trial.randomization)
        : [trial.randomization, ...parseCompared(compared, trial)];
    comparison = compareDesigns(trial.allocation, designs, { runs, seed });
  } catch (error) {
    if (error instanceof TrialDefinitionError || error instanceof ListDesignError) {
      io.err(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }
  printSimulation(trial, result, io);
  printComparison(comparison, io);
  return EXIT_VALID;
}

/**
 * `--compare "blocks:2,4;efron:2/3;big-stick:3;simple"`: designs separated by `;`, each checked by
 * the trial file's own rules for these targets and slots (a bad one names itself and the field).
 */
function parseCompared(text: string, trial: TrialDefinition): RandomizationDesign[] {
  return text.split(';').map((item, index) => {
    const spec = item.trim();
    const [name, parameter] = spec.split(':', 2).map((part) => part.trim());
    const slotsPerStratum = trial.randomization.slotsPerStratum;
    let raw: Record<string, unknown>;
    switch (name) {
      case 'simple':
        raw = { method: 'simple' };
        break;
      case 'blocks':
        raw = {
          method: 'permuted-blocks',
          blockSizes: (parameter ?? '').split(',').map((size) => Number(size)),
        };
        break;
      case 'efron':
        raw = { method: 'efron-biased-coin', ...(parameter ? { p: probability(parameter) } : {}) };
        break;
      case 'big-stick':
        raw = { method: 'big-stick', ...(parameter ? { maxImbalance: Number(parameter) } : {}) };
        break;
      default:
        throw new UsageError(
          `--compare: "${spec}" is not blocks:<sizes>, efron[:p], big-stick[:b] or simple`,
        );
    }
    return parseRandomizationVariant(
      { ...raw, slotsPerStratum },
      trial,
      `--compare "${spec}"`,
      `$.compare[${index}]`,
    );
  });
}

/** `2/3` or `0.75`; anything else is left for the trial file's rules to refuse. */
function probability(text: string): number {
  const ratio = /^(\d+)\/(\d+)$/.exec(text);
  return ratio ? Number(ratio[1]) / Number(ratio[2]) : Number(text);
}

function printComparison(rows: ComparedDesign[], io: CliIo): void {
  const runs = rows[0].runs;
  io.out('');
  io.out(
    `Designs side by side (${runs} runs each, the same stream seeds; "exact" is computed over every ` +
      'list the design can give, where it is small enough; ± is the Monte-Carlo standard error):',
  );
  io.out(
    [
      ''.padEnd(28),
      pad('right guesses', 32),
      pad('max imbalance', 35),
      pad('ends balanced', 32),
    ].join(' '),
  );
  io.out(
    [
      'design'.padEnd(28),
      pad('exact', 13),
      pad('simulated', 18),
      pad('exact', 13),
      pad('simulated', 15),
      pad('worst', 5),
      pad('exact', 13),
      pad('simulated', 18),
    ].join(' '),
  );
  for (const row of rows) {
    const { simulated, exact } = row;
    io.out(
      [
        designLabel(row.design).padEnd(28),
        pad(exact ? percent(exact.correctGuessShare, 2) : 'n/a', 13),
        pad(percentEstimate(simulated.correctGuessShare), 18),
        pad(exact ? fixed(exact.meanMaxImbalance, 3) : 'n/a', 13),
        pad(
          `${fixed(simulated.maxImbalance.mean, 3)} ± ${fixed(simulated.maxImbalance.standardError, 3)}`,
          15,
        ),
        pad(String(exact ? exact.worstImbalance : simulated.worstImbalance), 5),
        pad(exact ? percent(exact.endBalanced, 2) : 'n/a', 13),
        pad(percentEstimate(simulated.endBalanced), 18),
      ].join(' '),
    );
  }
  io.out(
    'right guesses: the expected share an observer who sees every allocation gets right by guessing ' +
      'the arm behind (Blackwell-Hodges); max imbalance: the mean over lists of the largest imbalance ' +
      'at any k, and the worst any list reaches (exact, else the worst simulated); ends balanced: the ' +
      'chance the last slot leaves the counts exactly on the ratio.',
  );
}

function percent(share: number, digits: number): string {
  return `${fixed(share * 100, digits)}%`;
}

function percentEstimate(estimate: Estimate): string {
  return `${percent(estimate.mean, 2)} ± ${fixed(estimate.standardError * 100, 2)}`;
}

function parseRuns(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RUNS;
  const runs = Number(text);
  if (!/^\d+$/.test(text) || runs < 1 || runs > MAX_RUNS) {
    throw new UsageError(`--runs must be an integer from 1 to ${MAX_RUNS}`);
  }
  return runs;
}

// The server's simulation (POST /api/randomization-list/simulation) reports the same counts.
export { reportedCounts };

function printSimulation(trial: TrialDefinition, result: DesignSimulation, io: CliIo): void {
  const { targets } = trial.allocation;
  const { method, blockSizes, p, maxImbalance } = trial.randomization;
  const ratio = `${targets.map((t) => t.ratio).join(':')} (${targets.map((t) => t.id).join(':')})`;
  const two = targets.length === 2;
  const parameters =
    method === 'permuted-blocks'
      ? `, block sizes ${blockSizes.join(', ')}`
      : method === 'efron-biased-coin'
        ? `, p = ${fraction(p ?? Number.NaN)}`
        : method === 'big-stick'
          ? `, maximum tolerated imbalance ${maxImbalance}`
          : '';
  io.out(`Trial:  ${trial.protocolId}`);
  io.out(
    `Design: ${method}${parameters}, ` +
      `ratio ${ratio}, ${result.slots} slots per stratum (every stratum has this design)`,
  );
  io.out(`Runs:   ${result.runs}, seed ${result.seed} (--seed reproduces these numbers)`);
  io.out('');
  io.out(
    two && targets[0].ratio === targets[1].ratio
      ? `Imbalance: |#${targets[0].id} - #${targets[1].id}| after k enrolments.`
      : 'Imbalance: the largest |w_j*n_i - w_i*n_j| over pairs of targets (n counts, w ratios); 0 is exactly on ratio.',
  );
  io.out(
    'Guess: an observer who knows all earlier allocations guesses the target furthest behind its share ' +
      '(random on ties); P(right) is for the k-th allocation, "so far" for the first k.',
  );
  io.out('');

  const shown = Math.min(
    MAX_IMBALANCE_COLUMNS,
    Math.max(...result.enrolments.map((e) => e.imbalanceShare.length)),
  );
  const overflow = result.enrolments.some((e) => e.imbalanceShare.length > shown);
  const header = [
    pad('k', 6),
    pad('mean', 7),
    pad('max', 5),
    ...Array.from({ length: shown }, (_, d) => pad(`P(${d})`, 7)),
    ...(overflow ? [pad(`P(>=${shown})`, 8)] : []),
    pad('P(right)', 9),
    pad('so far', 7),
  ];
  io.out(header.join(' '));
  for (const e of result.enrolments) {
    const shares = Array.from({ length: shown }, (_, d) =>
      pad(fixed(e.imbalanceShare[d] ?? 0, 4), 7),
    );
    const rest = e.imbalanceShare.slice(shown).reduce((a, b) => a + b, 0);
    io.out(
      [
        pad(String(e.enrolled), 6),
        pad(fixed(e.meanImbalance, 3), 7),
        pad(String(e.maxImbalance), 5),
        ...shares,
        ...(overflow ? [pad(fixed(rest, 4), 8)] : []),
        pad(fixed(e.correctGuess, 4), 9),
        pad(fixed(e.cumulativeCorrectGuess, 4), 7),
      ].join(' '),
    );
  }
  io.out('');
  io.out(
    `Expected right guesses over the list: ${fixed(result.expectedCorrectGuesses, 2)} of ${result.slots} ` +
      `(${fixed(result.correctGuessShare * 100, 1)}%; guessing the most frequent target blindly: ` +
      `${fixed(result.chanceShare * 100, 1)}%).`,
  );
  if (result.meanBlocksPerList.length > 0) {
    io.out(
      `Blocks per list (mean): ${result.meanBlocksPerList.map((b) => `size ${b.size}: ${fixed(b.mean, 2)}`).join(', ')}.`,
    );
  }
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}
