import { KeyObject } from 'node:crypto';
import { ChainedAuditEntry } from '../audit/audit-chain';
import { ExportScan, ExportScanResult } from '../audit/audit-export-scan';
import {
  AuditCheckpoint,
  checkpointMatchesChain,
  verifyCheckpoint,
} from '../audit/audit-checkpoint';
import { readRegularFileSync } from '../common/regular-file';
import { publicKeyFingerprint } from '../crypto/ed25519';
import {
  AUDIT_EXPORT_FILE_FORMATS,
  AuditExportFileFormat,
  AuditExportReadError,
  auditExportFormatOfName,
  detectAuditExportFormat,
  parseCheckpointDocument,
  readAuditExport,
} from '../audit/audit-export-reader';
import {
  CliCommand,
  CliIo,
  EXIT_INVALID,
  EXIT_USAGE,
  EXIT_VALID,
  parseOptions,
  UsageError,
} from './cli-io';
import { loadPublicKey, MAX_CHECKPOINT_FILE_BYTES, PublicKeyInputError } from './input-limits';

/**
 * `audit verify`: checks an exported audit log offline (docs/audit-format.md). The chain proves
 * the entries are linked; only a signed checkpoint proves that none were cut from the end and
 * that the log was not recomputed wholesale, so the command says plainly when it had none.
 */
export const auditVerifyCommand: CliCommand = {
  words: ['audit', 'verify'],
  usage:
    'audit verify <file> [--public-key <file.pem or base64 SPKI>] [--checkpoint <saved checkpoint>] [--format json|ndjson|csv] [--allow-unsigned-tail]',
  summary:
    'Verify an exported audit log (JSON, NDJSON or CSV) offline: the hash chain from seq 1 and signed checkpoints (--checkpoint: a checkpoint body, an NDJSON checkpoint line or a saved X-Audit-Checkpoint header); entries past the last signed checkpoint are "not authenticated" (exit 1) unless --allow-unsigned-tail. The format is detected from the content, else the extension, unless --format names it.',
  run: runAuditVerify,
};

interface SourcedCheckpoint {
  source: string;
  checkpoint: AuditCheckpoint;
}

/** Thrown for input that cannot be read; the command turns it into exit code 2. */
class InputError extends Error {}

async function runAuditVerify(args: string[], io: CliIo): Promise<number> {
  const { positional, options, flags } = parseOptions(
    args,
    ['public-key', 'checkpoint', 'format'],
    ['allow-unsigned-tail'],
  );
  if (positional.length !== 1) {
    throw new UsageError(positional.length === 0 ? 'name the exported file' : 'one file at a time');
  }
  const [file] = positional;
  const format = options.get('format');
  if (format !== undefined && !(AUDIT_EXPORT_FILE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${AUDIT_EXPORT_FILE_FORMATS.join(', ')}`);
  }
  try {
    const trustedKey = options.has('public-key')
      ? loadPublicKey(options.get('public-key') as string)
      : undefined;
    const keptCheckpoint = options.has('checkpoint')
      ? loadCheckpoint(options.get('checkpoint') as string)
      : undefined;
    const detected = await detectAuditExportFormat(file);
    const named = auditExportFormatOfName(file);
    if (format === undefined && named !== undefined && named !== detected) {
      io.err(
        `Warning: ${file} is named .${named} but holds ${detected.toUpperCase()}; read as ${detected.toUpperCase()}.`,
      );
    }
    return await verifyExport(
      { path: file, format: (format as AuditExportFileFormat | undefined) ?? detected },
      trustedKey,
      keptCheckpoint,
      flags.has('allow-unsigned-tail'),
      io,
    );
  } catch (error) {
    if (
      error instanceof InputError ||
      error instanceof PublicKeyInputError ||
      error instanceof AuditExportReadError
    ) {
      io.err(`Cannot verify: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** The file to verify, and its format when --format names it. */
interface ExportFile {
  path: string;
  format?: AuditExportFileFormat;
}

async function verifyExport(
  file: ExportFile,
  trustedKey: KeyObject | undefined,
  keptCheckpoint: SourcedCheckpoint | undefined,
  allowUnsignedTail: boolean,
  io: CliIo,
): Promise<number> {
  // Hashes at the seqs a checkpoint will ask about, kept while streaming instead of all of them.
  const wanted = new Set(keptCheckpoint ? [keptCheckpoint.checkpoint.entries] : []);
  const pass = await scanExport(file, wanted);
  const { scan } = pass;
  const chain = scan.chain;

  const checkpoints: SourcedCheckpoint[] = [];
  if (pass.trailing)
    checkpoints.push({ source: 'the export’s checkpoint line', checkpoint: pass.trailing });
  if (keptCheckpoint) checkpoints.push(keptCheckpoint);

  // A trailing checkpoint older than the file's head needs an earlier hash: read the file again
  // rather than keep every hash of a long log in memory.
  const hashesFor = async (last: number): Promise<Map<number, string>> => {
    const missing = checkpoints
      .map(({ checkpoint }) => checkpoint.entries)
      .filter((seq) => seq > 0 && seq < last && !wanted.has(seq));
    if (missing.length === 0) return scan.hashes;
    const again = await scanExport(file, new Set(missing));
    return new Map([...scan.hashes, ...again.scan.hashes]);
  };

  if (!chain.valid)
    return reportBrokenChain(file.format, scan, checkpoints, trustedKey, hashesFor, io);

  if (trustedKey && checkpoints.length === 0) {
    io.err(
      'Cannot verify: --public-key was given but there is no checkpoint to check it against ' +
        '(the export has no checkpoint line; pass one with --checkpoint).',
    );
    return EXIT_USAGE;
  }

  const hashes = await hashesFor(chain.entries);
  for (const { source, checkpoint } of checkpoints) {
    if (!signatureHolds(source, checkpoint, trustedKey, io)) return EXIT_INVALID;
    const match = checkpointMatchesChain(checkpoint, chain, (seq) => hashes.get(seq));
    if (!match.matches) {
      const seq = Math.min(checkpoint.entries, chain.entries + 1);
      io.out(`invalid: seq ${seq}: ${match.problem} (${source}, signed at ${checkpoint.at})`);
      const own = scan.ownRecord;
      if (checkpoint.entries > chain.entries && own?.scope.kind === 'full') {
        // What an intact export ends with: the checkpoint may simply be a later one.
        io.out(
          `(the file ends with the record of an unfiltered export, seq ${own.seq}, as a whole ` +
            'export does: if this checkpoint was taken after that export, check the file with the ' +
            'checkpoint saved with it, its X-Audit-Checkpoint header)',
        );
      }
      return EXIT_INVALID;
    }
  }

  // A chain can be recomputed by anyone; only a signature covers entries, up to its seq.
  // A signature by the key the file itself carries proves nothing about who signed: anyone can
  // recompute a chain and sign it with a key of their own. Only --public-key authenticates.
  const covered = trustedKey
    ? Math.max(0, ...checkpoints.map(({ checkpoint }) => checkpoint.entries))
    : 0;
  const unsigned = chain.entries - covered;
  const authenticated = unsigned === 0 || allowUnsignedTail;
  // Entries after a checkpoint taken before the export may be only the export's own records.
  const staleOnly = covered > 0 && unsigned > 0 && scan.lastOtherSeq <= covered;
  if (authenticated) {
    io.out(`valid: ${chain.entries} entries, head hash ${chain.headHash}`);
  } else if (!trustedKey && checkpoints.length > 0) {
    io.out(
      `not authenticated: ${chain.entries} entries; the chain holds and each checkpoint matches ` +
        'the key it carries, but without --public-key nothing says that key is the server’s',
    );
  } else if (staleOnly) {
    io.out(
      `not authenticated: ${olderThanExport(covered, chain.entries)}, and no signature covers ` +
        `${unsigned === 1 ? 'it' : 'them'}`,
    );
  } else {
    io.out(
      `not authenticated: ${unsigned} ${unsigned === 1 ? 'entry' : 'entries'} ` +
        `(seq ${covered + 1} to ${chain.entries}) past the last signed checkpoint ` +
        `(${covered} entries); the chain holds, but a chain alone can be recomputed by anyone`,
    );
  }
  for (const { source, checkpoint } of checkpoints) {
    const later = chain.entries - checkpoint.entries;
    io.out(
      `${describeCheckpoint(source, checkpoint, trustedKey)}; matches the chain` +
        (later > 0 ? ` (${laterEntries(checkpoint.entries, chain.entries, scan)})` : ''),
    );
  }
  if (unsigned > 0 && !trustedKey && checkpoints.length > 0) {
    io.out(
      authenticated
        ? 'signer not checked: accepted with --allow-unsigned-tail; pass the server’s key with --public-key'
        : 'Pass the server’s key with --public-key (GET /api/audit-log/checkpoint gives it), or ' +
            'accept an unauthenticated log with --allow-unsigned-tail.',
    );
  } else if (unsigned > 0) {
    io.out(
      authenticated
        ? `unsigned tail: ${unsigned} ${unsigned === 1 ? 'entry' : 'entries'} past the last ` +
            'signed checkpoint are not authenticated (accepted with --allow-unsigned-tail)'
        : staleOnly
          ? 'Pass the checkpoint saved with this export (its X-Audit-Checkpoint header, or the ' +
            'last line of an NDJSON export), which covers them, or accept them with --allow-unsigned-tail.'
          : 'Take a checkpoint that covers them (GET /api/audit-log/checkpoint, or an NDJSON ' +
            'export) and pass it with --checkpoint, or accept them with --allow-unsigned-tail.',
    );
  }
  if (checkpoints.length === 0) {
    io.err(
      'Warning: no checkpoint, so entries cut from the end or a log recomputed from the start ' +
        'would go unseen; pass a checkpoint kept from GET /api/audit-log/checkpoint with --checkpoint.',
    );
  } else if (!trustedKey) {
    io.err(
      'Warning: signatures were checked against the key inside each checkpoint; pass the ' +
        'server’s key with --public-key to know who signed.',
    );
  }
  return authenticated ? EXIT_VALID : EXIT_INVALID;
}

/** "1 entry was" / "3 entries were". */
function entriesWere(count: number): string {
  return `${count} ${count === 1 ? 'entry was' : 'entries were'}`;
}

function seqRange(from: number, to: number): string {
  return from === to ? `seq ${from}` : `seq ${from} to ${to}`;
}

/** The plain account of entries after a checkpoint taken before the export that wrote them. */
function olderThanExport(checkpointEntries: number, last: number): string {
  return (
    `this checkpoint is older than the export: ${entriesWere(last - checkpointEntries)} added by ` +
    `the export itself (AUDIT_EXPORTED, ${seqRange(checkpointEntries + 1, last)})`
  );
}

/** What follows a checkpoint in the file: only export records, or other entries too. */
function laterEntries(checkpointEntries: number, last: number, scan: ExportScanResult): string {
  return scan.lastOtherSeq <= checkpointEntries
    ? olderThanExport(checkpointEntries, last)
    : `${entriesWere(last - checkpointEntries)} written after it`;
}

function describeCheckpoint(
  source: string,
  checkpoint: AuditCheckpoint,
  trustedKey: KeyObject | undefined,
): string {
  return (
    `checkpoint (${source}): ${checkpoint.entries} entries at ${checkpoint.at}, ` +
    `signed by key ${publicKeyFingerprint(checkpoint.publicKey)} (SHA-256 of its SPKI)` +
    `${trustedKey ? ', the given public key' : ''}`
  );
}

function signatureHolds(
  source: string,
  checkpoint: AuditCheckpoint,
  trustedKey: KeyObject | undefined,
  io: CliIo,
): boolean {
  if (verifyCheckpoint(checkpoint, trustedKey)) return true;
  io.out(
    `invalid: ${source}: the signature does not verify` +
      (trustedKey ? ' with the given public key' : ' (the checkpoint was altered)'),
  );
  return false;
}

/**
 * The chain from seq 1 breaks. A file that says it is a whole export (its last entry is the
 * record of an unfiltered export), or whose entries fail a check that holds for any export, is
 * invalid. Otherwise it skips seqs as a filtered export does: it is checked as far as a filtered
 * export can be, and the answer says so, with exit 2 (this input cannot show the chain).
 */
async function reportBrokenChain(
  format: AuditExportFileFormat | undefined,
  scan: ExportScanResult,
  checkpoints: SourcedCheckpoint[],
  trustedKey: KeyObject | undefined,
  hashesFor: (last: number) => Promise<Map<number, string>>,
  io: CliIo,
): Promise<number> {
  const { chain, gap, ownRecord } = scan;
  const declaredFull = ownRecord?.scope.kind === 'full';
  if (declaredFull || scan.problem) {
    const seq = declaredFull ? chain.firstInvalidSeq : scan.problem?.seq;
    const problem = declaredFull ? chain.problem : scan.problem?.problem;
    io.out(`invalid: seq ${seq}: ${problem}`);
    const entry = declaredFull ? scan.strictBreak : scan.problem?.entry;
    if (format === 'csv' && entry && problem?.startsWith('hash') && holdsReplacement(entry)) {
      io.out(
        '(the entry holds U+FFFD: where the original held a lone UTF-16 surrogate, which UTF-8 ' +
          'cannot carry, the CSV export writes U+FFFD in its place; verify the JSON or NDJSON ' +
          'export of the log, which keep it)',
      );
    }
    if (!declaredFull && gap && seq !== undefined && gap.next < seq) {
      io.out(
        `(the file skips seqs, as a filtered export does, from seq ${gap.after} to seq ` +
          `${gap.next} first; the ${scan.read} entries before seq ${seq} match their own hashes)`,
      );
    } else {
      io.out(`(${chain.entries} ${chain.entries === 1 ? 'entry' : 'entries'} verified before it)`);
    }
    if (declaredFull && ownRecord) {
      io.out(
        `(the file's last entry, seq ${ownRecord.seq}, records an export without filters, so no ` +
          'seq may be missing)',
      );
    }
    return EXIT_INVALID;
  }

  const hashes = await hashesFor(scan.lastSeq + 1);
  for (const { source, checkpoint } of checkpoints) {
    if (!signatureHolds(source, checkpoint, trustedKey, io)) return EXIT_INVALID;
    const held = hashes.get(checkpoint.entries);
    if (held !== undefined && held !== checkpoint.headHash) {
      io.out(
        `invalid: seq ${checkpoint.entries}: the hash of seq ${checkpoint.entries} differs from ` +
          `the checkpoint's head hash: the log was rewritten at or before seq ` +
          `${checkpoint.entries} (${source}, signed at ${checkpoint.at})`,
      );
      return EXIT_INVALID;
    }
  }

  io.out('this export is filtered: the chain can only be checked on a full export');
  if (ownRecord?.scope.kind === 'filtered') {
    io.out(
      `its own record (AUDIT_EXPORTED, seq ${ownRecord.seq}) names the filter: ${ownRecord.scope.description}`,
    );
  } else {
    const where =
      gap && gap.after === 0
        ? `it starts at seq ${gap.next}`
        : `it skips from seq ${gap?.after} to seq ${gap?.next}`;
    io.out(
      `${where}, and it does not end with the export's own AUDIT_EXPORTED record (the filter ` +
        'left it out), so the file cannot say which filter was used, nor tell entries a filter ' +
        'left out from entries removed',
    );
  }
  io.out(
    `checked: each of its ${scan.read} entries matches its own hash, and entries with ` +
      'consecutive seqs are linked; not checked: the entries in between, and whether any were cut',
  );
  for (const { source, checkpoint } of checkpoints) {
    const c = checkpoint.entries;
    const relation = hashes.has(c)
      ? `matches the file's seq ${c}`
      : scan.lastSeq > c
        ? laterEntries(c, scan.lastSeq, scan)
        : `covers the log up to seq ${c}, which this file leaves out`;
    io.out(`${describeCheckpoint(source, checkpoint, trustedKey)}; ${relation}`);
  }
  io.out(
    'To check the chain, export the log without filters (no from, to, action, actor, ' +
      'participantId, limit or afterSeq) and verify that file.',
  );
  return EXIT_USAGE;
}

function holdsReplacement(entry: ChainedAuditEntry): boolean {
  return JSON.stringify(entry).includes('\ufffd');
}

interface ExportPass {
  scan: ExportScanResult;
  trailing?: AuditCheckpoint;
}

async function scanExport(file: ExportFile, wanted: ReadonlySet<number>): Promise<ExportPass> {
  const scan = new ExportScan(wanted);
  let trailing: AuditCheckpoint | undefined;
  for await (const item of readAuditExport(file.path, file.format)) {
    if (item.kind === 'checkpoint') {
      trailing = item.checkpoint;
      continue;
    }
    // Stop at a break no filter explains: everything after it is unverifiable anyway.
    if (!scan.add(item.entry)) break;
  }
  return { scan: scan.result(), trailing };
}

function loadCheckpoint(path: string): SourcedCheckpoint {
  let text: string;
  try {
    text = readRegularFileSync(path, MAX_CHECKPOINT_FILE_BYTES).toString('utf8');
  } catch (error) {
    throw new InputError(`--checkpoint: ${(error as Error).message}`);
  }
  try {
    return { source: `the checkpoint file ${path}`, checkpoint: parseCheckpointDocument(text) };
  } catch (error) {
    throw new InputError(`--checkpoint ${path}: ${(error as Error).message}`);
  }
}
