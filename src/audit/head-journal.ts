import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditCheckpoint, CheckpointHead, checkpointMatchesChain } from './audit-checkpoint';

/**
 * The head journal (HEAD_JOURNAL_PATH): one signed checkpoint per line (docs/audit-format.md),
 * appended and fsynced after each commit that changes allocations or unblindings and at least
 * every minute otherwise. It lives outside the database, ideally on another disk, so that a
 * database that lost its tail (a corrupted WAL frame, an older copy put back) is found at start:
 * SQLite's own checks pass on such a file, only an outside record can tell.
 */

/** How much of the journal's end is read at start: many lines, however long the journal. */
const TAIL_BYTES = 64 * 1024;

function isCheckpoint(value: unknown): value is AuditCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const line = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(line.entries) &&
    typeof line.headHash === 'string' &&
    /^[0-9a-f]{64}$/.test(line.headHash) &&
    typeof line.at === 'string' &&
    typeof line.signature === 'string' &&
    typeof line.publicKey === 'string'
  );
}

/**
 * The furthest head among complete lines. Several processes on one database append to one
 * journal, so lines need not be in seq order; a line cut by a crash is ignored.
 */
export function furthestHead(text: string): AuditCheckpoint | undefined {
  let furthest: AuditCheckpoint | undefined;
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a line still being written
  for (const line of lines) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // the first line of a tail window may begin mid-line
    }
    if (isCheckpoint(parsed) && (!furthest || parsed.entries > furthest.entries)) furthest = parsed;
  }
  return furthest;
}

export function readJournalHead(path: string): AuditCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  const size = statSync(path).size;
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return furthestHead(buffer.toString('utf8'));
}

export function journalLine(checkpoint: AuditCheckpoint): string {
  const { entries, headHash, at, signature, publicKey } = checkpoint;
  return `${JSON.stringify({ entries, headHash, at, signature, publicKey })}\n`;
}

/**
 * An open journal: each append is one write of one line, then fsync. Both run on libuv's thread
 * pool, so the event loop keeps serving other requests while the disk flushes (a synchronous
 * fsync after every allocation halved the server's throughput), and the commits that finish
 * meanwhile share the next line.
 */
export class HeadJournalFile {
  private handle?: FileHandle;

  constructor(readonly path: string) {}

  async append(checkpoint: AuditCheckpoint): Promise<void> {
    if (this.handle === undefined) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.handle = await open(this.path, 'a', 0o600);
    }
    await this.handle.write(journalLine(checkpoint));
    await this.handle.sync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

/**
 * Starts a new journal at `head`, keeping the old one beside it as `<path>.superseded-<time>`
 * (returned). The new file is complete on disk before it takes the journal's name.
 */
export function supersedeJournal(path: string, head: AuditCheckpoint, now = new Date()): string {
  const superseded = `${path}.superseded-${now.toISOString().replace(/[:.]/g, '-')}`;
  const temporary = `${path}.new`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, journalLine(head));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (existsSync(path)) renameSync(path, superseded);
  renameSync(temporary, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return superseded;
}

/** A start-up refusal: the database does not hold what the journal says was signed. */
export class HeadJournalMismatch extends Error {
  constructor(
    readonly journal: AuditCheckpoint,
    readonly database: CheckpointHead,
    journalPath: string,
    problem: string,
  ) {
    super(
      `The database's audit chain does not match the head journal ${journalPath}: the journal's head is ` +
        `seq ${journal.entries} (hash ${journal.headHash}, signed at ${journal.at}), the database's head is ` +
        `seq ${database.entries} (hash ${database.headHash}); ${problem}. Acknowledged actions may be missing ` +
        "(a lost WAL tail, or an older copy of the database). Restore a database that holds the journal's " +
        'head, or accept this one on purpose: npm run cli -- audit accept-head --reason "<why>" ' +
        '(docs/operations.md, "Lost tails").',
    );
    this.name = 'HeadJournalMismatch';
  }
}

/**
 * Compares the journal's head with the database's chain. `hashAtJournalSeq` is the hash the
 * database holds at the journal's seq (undefined when it does not reach that far).
 */
export function checkAgainstJournal(
  journal: AuditCheckpoint,
  database: CheckpointHead,
  hashAtJournalSeq: string | undefined,
  journalPath: string,
): void {
  const match = checkpointMatchesChain(journal, database, (seq) =>
    seq === journal.entries ? hashAtJournalSeq : undefined,
  );
  if (!match.matches) throw new HeadJournalMismatch(journal, database, journalPath, match.problem);
}
