import { KeyObject } from 'node:crypto';
import { TRAINING_BANNER } from '../training/training';
import { ChainVerifier } from '../audit/audit-chain';
import { AuditExportReadError, readAuditExport } from '../audit/audit-export-reader';
import { readRegularFileSync } from '../common/regular-file';
import { parseStrictJson } from '../common/strict-json';
import { TrialDefinition, TrialDefinitionError } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { canonicalJson } from '../crypto/canonical-json';
import {
  allocationProblems,
  AuditedAllocation,
  ListExport,
  ListExportFormatError,
  listExportSignatureProblem,
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
import { loadPublicKey, MAX_LIST_EXPORT_BYTES, PublicKeyInputError } from './input-limits';

/**
 * `list verify`: checks the final list export offline (docs/randomization.md): the slots against
 * the seed and trial, the commitment, the signature (`--public-key`) and who got which slot
 * against the audit log's ALLOCATED entries (`--audit`). The verdict names every check it did
 * not make: a bare "valid" would vouch for what was never looked at.
 */
export const listVerifyCommand: CliCommand = {
  words: ['list', 'verify'],
  usage:
    'list verify <export.json> [--public-key <key>] [--audit <audit export>] [--trial <trial.json>] [--commitment <published hex>]',
  summary:
    'Verify an exported randomization list: regenerate it from its seed and the trial file (the embedded one unless --trial), compare every slot, recompute the commitment; check its signature with --public-key and every allocated slot against the ALLOCATED audit entries with --audit.',
  run: runListVerify,
};

async function runListVerify(args: string[], io: CliIo): Promise<number> {
  const { positional, options } = parseOptions(args, [
    'trial',
    'commitment',
    'public-key',
    'audit',
  ]);
  if (positional.length !== 1) {
    throw new UsageError(positional.length === 0 ? 'name the export file' : 'one file at a time');
  }
  const published = options.get('commitment')?.toLowerCase();
  if (published !== undefined && !/^[0-9a-f]{64}$/.test(published)) {
    throw new UsageError('--commitment must be the 64 hex characters of a SHA-256');
  }

  let exported: ListExport;
  let trial: TrialDefinition | undefined;
  let trustedKey: KeyObject | undefined;
  const auditFile = options.get('audit');
  let audited: AuditPass | undefined;
  try {
    exported = readExport(positional[0]);
    const trialPath = options.get('trial');
    trial = trialPath === undefined ? undefined : loadTrialFile(trialPath);
    const key = options.get('public-key');
    trustedKey = key === undefined ? undefined : loadPublicKey(key);
    if (auditFile !== undefined) audited = await readAllocations(auditFile, exported);
  } catch (error) {
    if (
      error instanceof ListExportFormatError ||
      error instanceof TrialDefinitionError ||
      error instanceof PublicKeyInputError ||
      error instanceof AuditExportReadError
    ) {
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
  if (trustedKey) {
    const problem = listExportSignatureProblem(exported, trustedKey);
    if (problem) problems.push(problem);
  }
  if (audited)
    problems.push(...audited.problems, ...allocationProblems(exported, audited.allocations));

  io.out(`Export:     ${positional[0]}`);
  io.out(`Trial:      ${trial ? `${options.get('trial')} (given)` : 'embedded in the export'}`);
  if (trial && canonicalJson(trial) !== canonicalJson(exported.trial)) {
    io.out('            note: the given trial file differs from the trial embedded in the export');
  }
  if (exported.training === true) {
    io.out(`Training:   ${TRAINING_BANNER} (a practice instance's list, TRAINING=true)`);
  }
  io.out(`Method:     ${exported.method}`);
  io.out(
    `Slots:      ${exported.slots.length} in ${new Set(exported.slots.map((s) => s.stratum)).size} strata, ` +
      `${exported.slots.filter((s) => s.participantId !== null).length} allocated`,
  );
  io.out(`Commitment: ${exported.commitment}`);
  if (exported.auditHead) {
    io.out(
      `Audit head: ${exported.auditHead.entries} entries, head hash ${exported.auditHead.headHash}`,
    );
  }
  if (problems.length > 0) {
    io.out(`INVALID: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) io.out(`  - ${problem}`);
    return EXIT_INVALID;
  }

  const checked = ['every slot is the one the seed and trial give', 'the commitment is recomputed'];
  const unchecked: string[] = [];
  if (published !== undefined) checked.push('the commitment is the published one');
  else if (audited?.generated) {
    checked.push(
      `the commitment is the one published at generation (LIST_GENERATED entry seq ${audited.generated.seq})`,
    );
  } else
    unchecked.push(
      'the commitment was not compared with the one published at generation (the LIST_GENERATED audit entry; --commitment)',
    );
  if (trustedKey) checked.push('the signature holds with the given public key');
  else unchecked.push('the signature was not checked (--public-key)');
  if (audited) {
    checked.push(
      `who got which slot matches the ${audited.allocations.length} ALLOCATED entries of the audit log` +
        (trustedKey
          ? ''
          : ' (an audit export the signed audit head does not vouch for without --public-key)'),
    );
  } else {
    unchecked.push('who got which slot was not checked against the audit log (--audit)');
  }
  if (unchecked.length === 0) {
    io.out('VALID: every check was made.');
  } else {
    io.out(
      `NOT FULLY VERIFIED: ${unchecked.length} check${unchecked.length === 1 ? '' : 's'} not made.`,
    );
  }
  for (const line of checked) io.out(`  checked:     ${line}`);
  for (const line of unchecked) io.out(`  not checked: ${line}`);
  return EXIT_VALID;
}

function readExport(path: string): ListExport {
  let text: string;
  try {
    text = readRegularFileSync(path, MAX_LIST_EXPORT_BYTES).toString('utf8');
  } catch (error) {
    throw new ListExportFormatError(path, `cannot be read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseStrictJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ListExportFormatError(path, `is not valid JSON: ${(error as Error).message}`);
  }
  return parseListExport(raw, path);
}

interface AuditPass {
  allocations: AuditedAllocation[];
  /** The LIST_GENERATED entry: the commitment published when the list was made. */
  generated?: { seq: number; commitment: string };
  problems: string[];
}

/**
 * Streams the audit export: the chain must hold from seq 1 up to the list export's audit head and
 * end there on the same hash, and the ALLOCATED entries up to it are the ones compared. Without
 * an audit head (an export from before signing), every ALLOCATED entry of the file is used.
 */
async function readAllocations(path: string, exported: ListExport): Promise<AuditPass> {
  const problems: string[] = [];
  const allocations: AuditedAllocation[] = [];
  const verifier = new ChainVerifier();
  const upTo = exported.auditHead?.entries ?? Number.MAX_SAFE_INTEGER;
  let hashAtHead: string | undefined;
  let generated: AuditPass['generated'];
  for await (const item of readAuditExport(path)) {
    if (item.kind !== 'entry') continue;
    const { entry } = item;
    if (entry.seq > upTo) break;
    if (!verifier.add(entry)) break;
    if (entry.seq === upTo) hashAtHead = entry.hash;
    if (entry.action === 'TRAINING_RESET' && entry.outcome === 'SUCCESS') {
      // A practice instance's reset cleared the list and allocations recorded before it: only
      // what follows belongs to the exported list. A clinical list is never reset.
      if (exported.training !== true) {
        problems.push(
          `The audit export has a TRAINING_RESET entry (seq ${entry.seq}), but the list export is not a training one`,
        );
      }
      allocations.length = 0;
      generated = undefined;
      continue;
    }
    const { commitment } = entry.details;
    if (entry.action === 'LIST_GENERATED' && entry.outcome === 'SUCCESS' && !generated) {
      if (typeof commitment === 'string') generated = { seq: entry.seq, commitment };
    }
    if (entry.action !== 'ALLOCATED' || entry.outcome !== 'SUCCESS') continue;
    const { stratum, slot } = entry.details;
    if (
      entry.participantId === null ||
      typeof stratum !== 'string' ||
      typeof slot !== 'number' ||
      !Number.isInteger(slot)
    ) {
      problems.push(`The ALLOCATED entry seq ${entry.seq} names no participant, stratum and slot`);
      continue;
    }
    allocations.push({ seq: entry.seq, participantId: entry.participantId, stratum, slot });
  }
  const chain = verifier.result();
  if (!chain.valid) {
    problems.push(`The audit export is broken at seq ${chain.firstInvalidSeq}: ${chain.problem}`);
  } else if (exported.auditHead) {
    const { entries, headHash } = exported.auditHead;
    if (chain.entries < entries) {
      problems.push(
        `The audit export holds ${chain.entries} entries; the list export was made at entry ${entries}`,
      );
    } else if (entries > 0 && hashAtHead !== headHash) {
      problems.push(
        `The audit export's hash at seq ${entries} is not the list export's audit head ${headHash}: ` +
          'they are not the same log',
      );
    }
  }
  if (!generated) {
    problems.push('The audit export has no LIST_GENERATED entry with the published commitment');
  } else if (generated.commitment !== exported.commitment) {
    problems.push(
      `The export's commitment ${exported.commitment} is not the one published at generation ` +
        `(${generated.commitment}, LIST_GENERATED entry seq ${generated.seq})`,
    );
  }
  return { allocations, generated, problems };
}
