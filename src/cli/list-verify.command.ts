import { readFileSync } from 'node:fs';
import { TrialDefinition, TrialDefinitionError } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { canonicalJson } from '../crypto/canonical-json';
import {
  ListExport,
  ListExportFormatError,
  parseListExport,
  verifyListExport,
} from '../randomization/list-export';
import {
  CliCommand,
  CliIo,
  EXIT_INVALID,
  EXIT_USAGE,
  EXIT_VALID,
  parseOptions,
  UsageError,
} from './cli-io';

/**
 * `list verify`: checks the final list export offline against its commitment by regenerating the
 * list from the revealed seed (docs/randomization.md). Only the commitment published at
 * generation (the LIST_GENERATED audit entry) ties the export to the past, so the command
 * compares with it when given, and otherwise says which value to compare by hand.
 */
export const listVerifyCommand: CliCommand = {
  words: ['list', 'verify'],
  usage: 'list verify <export.json> [--trial <trial.json>] [--commitment <published hex>]',
  summary:
    'Verify an exported randomization list: regenerate it from its seed and the trial file (the embedded one unless --trial), compare every slot, recompute the commitment.',
  run: (args, io) => Promise.resolve(runListVerify(args, io)),
};

function runListVerify(args: string[], io: CliIo): number {
  const { positional, options } = parseOptions(args, ['trial', 'commitment']);
  if (positional.length !== 1) {
    throw new UsageError(positional.length === 0 ? 'name the export file' : 'one file at a time');
  }
  const published = options.get('commitment')?.toLowerCase();
  if (published !== undefined && !/^[0-9a-f]{64}$/.test(published)) {
    throw new UsageError('--commitment must be the 64 hex characters of a SHA-256');
  }

  let exported: ListExport;
  let trial: TrialDefinition | undefined;
  try {
    exported = readExport(positional[0]);
    const trialPath = options.get('trial');
    trial = trialPath === undefined ? undefined : loadTrialFile(trialPath);
  } catch (error) {
    if (error instanceof ListExportFormatError || error instanceof TrialDefinitionError) {
      io.err(error.message);
      return EXIT_USAGE;
    }
    throw error;
  }

  const result = verifyListExport(exported, trial);
  const problems = [...result.problems];
  if (published !== undefined && published !== exported.commitment) {
    problems.push(
      `The export's commitment ${exported.commitment} is not the published ${published}`,
    );
  }

  io.out(`Export:     ${positional[0]}`);
  io.out(`Trial:      ${trial ? `${options.get('trial')} (given)` : 'embedded in the export'}`);
  if (trial && canonicalJson(trial) !== canonicalJson(exported.trial)) {
    io.out('            note: the given trial file differs from the trial embedded in the export');
  }
  io.out(`Method:     ${exported.method}`);
  io.out(
    `Slots:      ${exported.slots.length} in ${new Set(exported.slots.map((s) => s.stratum)).size} strata`,
  );
  io.out(`Commitment: ${exported.commitment}`);
  if (problems.length > 0) {
    io.out(`INVALID: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) io.out(`  - ${problem}`);
    return EXIT_INVALID;
  }
  io.out('VALID: every slot is the one the seed and trial give, and the commitment matches.');
  if (published === undefined) {
    io.out(
      'Compare the commitment above with the one published at generation (the LIST_GENERATED ' +
        'audit entry), or pass it with --commitment.',
    );
  } else {
    io.out('The commitment is the one published at generation.');
  }
  return EXIT_VALID;
}

function readExport(path: string): ListExport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ListExportFormatError(path, `cannot be read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ListExportFormatError(path, `is not valid JSON: ${(error as Error).message}`);
  }
  return parseListExport(raw, path);
}
