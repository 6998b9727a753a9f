import { KeyObject } from 'node:crypto';
import { ChainVerification, ChainVerifier } from '../audit/audit-chain';
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
    return await verifyExport(
      { path: file, format: format as AuditExportFileFormat | undefined },
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
  const pass = await verifyChainOf(file, wanted);
  const chain = pass.result;
  if (!chain.valid) {
    io.out(`invalid: seq ${chain.firstInvalidSeq}: ${chain.problem}`);
    io.out(`(${chain.entries} ${chain.entries === 1 ? 'entry' : 'entries'} verified before it)`);
    return EXIT_INVALID;
  }

  const checkpoints: SourcedCheckpoint[] = [];
  if (pass.trailing)
    checkpoints.push({ source: 'the export’s checkpoint line', checkpoint: pass.trailing });
  if (keptCheckpoint) checkpoints.push(keptCheckpoint);
  if (trustedKey && checkpoints.length === 0) {
    io.err(
      'Cannot verify: --public-key was given but there is no checkpoint to check it against ' +
        '(the export has no checkpoint line; pass one with --checkpoint).',
    );
    return EXIT_USAGE;
  }

  // A trailing checkpoint older than the file's head needs an earlier hash: read the file again
  // rather than keep every hash of a long log in memory.
  const missing = checkpoints
    .map(({ checkpoint }) => checkpoint.entries)
    .filter((seq) => seq > 0 && seq < chain.entries && !pass.hashes.has(seq));
  const hashes =
    missing.length > 0 ? (await verifyChainOf(file, new Set(missing))).hashes : pass.hashes;

  for (const { source, checkpoint } of checkpoints) {
    if (!verifyCheckpoint(checkpoint, trustedKey)) {
      io.out(
        `invalid: ${source}: the signature does not verify` +
          (trustedKey ? ' with the given public key' : ' (the checkpoint was altered)'),
      );
      return EXIT_INVALID;
    }
    const match = checkpointMatchesChain(checkpoint, chain, (seq) => hashes.get(seq));
    if (!match.matches) {
      const seq = Math.min(checkpoint.entries, chain.entries + 1);
      io.out(`invalid: seq ${seq}: ${match.problem} (${source}, signed at ${checkpoint.at})`);
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
  if (authenticated) {
    io.out(`valid: ${chain.entries} entries, head hash ${chain.headHash}`);
  } else if (!trustedKey && checkpoints.length > 0) {
    io.out(
      `not authenticated: ${chain.entries} entries; the chain holds and each checkpoint matches ` +
        'the key it carries, but without --public-key nothing says that key is the server’s',
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
      `checkpoint (${source}): ${checkpoint.entries} entries at ${checkpoint.at}, ` +
        `signed by key ${publicKeyFingerprint(checkpoint.publicKey)} (SHA-256 of its SPKI)` +
        `${trustedKey ? ', the given public key' : ''}; matches the chain` +
        (later > 0 ? ` (${later} entries were written after it)` : ''),
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

interface ChainPass {
  result: ChainVerification;
  hashes: Map<number, string>;
  trailing?: AuditCheckpoint;
}

async function verifyChainOf(file: ExportFile, wanted: ReadonlySet<number>): Promise<ChainPass> {
  const verifier = new ChainVerifier();
  const hashes = new Map<number, string>();
  let trailing: AuditCheckpoint | undefined;
  for await (const item of readAuditExport(file.path, file.format)) {
    if (item.kind === 'checkpoint') {
      trailing = item.checkpoint;
      continue;
    }
    // Stop at the first break: everything after it is unverifiable anyway.
    if (!verifier.add(item.entry)) break;
    if (wanted.has(item.entry.seq)) hashes.set(item.entry.seq, item.entry.hash);
  }
  return { result: verifier.result(), hashes, trailing };
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
