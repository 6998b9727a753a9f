import { TrialDefinition, TrialDefinitionError } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { ListDesignError, newListSeed } from '../randomization/list-generator';
import { DesignSimulation, reportedCounts, simulateDesign } from '../randomization/list-simulation';
import { CliCommand, CliIo, EXIT_USAGE, EXIT_VALID, parseOptions, UsageError } from './cli-io';

/**
 * `list simulate`: balance and predictability of a trial file's list design over many seeds, to
 * compare designs before the real list is generated. The computation is list-simulation.ts.
 */
export const listSimulateCommand: CliCommand = {
  words: ['list', 'simulate'],
  usage: 'list simulate --trial <trial.json> [--runs N] [--seed S]',
  summary:
    "Simulate a trial file's list design over many seeds (default 10000): imbalance at each enrolment count and how often an observer guessing the arm behind would be right.",
  run: (args, io) => Promise.resolve(runListSimulate(args, io)),
};

const DEFAULT_RUNS = 10_000;
const MAX_RUNS = 1_000_000;
/** Imbalance values shown one per column; larger ones are added up in a last column. */
const MAX_IMBALANCE_COLUMNS = 7;

function runListSimulate(args: string[], io: CliIo): number {
  const { positional, options } = parseOptions(args, ['trial', 'runs', 'seed']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const trialPath = options.get('trial');
  if (trialPath === undefined) throw new UsageError('--trial <trial.json> is required');
  const runs = parseRuns(options.get('runs'));
  const seed = options.get('seed') ?? newListSeed();
  if (seed === '') throw new UsageError('--seed must not be empty');

  let trial: TrialDefinition;
  let result: DesignSimulation;
  try {
    trial = loadTrialFile(trialPath);
    const slots = trial.randomization.slotsPerStratum;
    result = simulateDesign(trial, { runs, seed, reportAt: reportedCounts(slots) });
  } catch (error) {
    if (error instanceof TrialDefinitionError || error instanceof ListDesignError) {
      io.err(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }
  printSimulation(trial, result, io);
  return EXIT_VALID;
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
  const { method, blockSizes } = trial.randomization;
  const ratio = `${targets.map((t) => t.ratio).join(':')} (${targets.map((t) => t.id).join(':')})`;
  const two = targets.length === 2;
  io.out(`Trial:  ${trial.protocolId}`);
  io.out(
    `Design: ${method}${method === 'permuted-blocks' ? `, block sizes ${blockSizes.join(', ')}` : ''}, ` +
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
