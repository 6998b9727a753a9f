import { chmodSync, existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { ConfigError, loadAppConfigFromEnvironment } from '../config/app-config';
import { BUSY_TIMEOUT_MS } from '../database/data-source-options';
import {
  CliCommand,
  CliIo,
  EXIT_INVALID,
  EXIT_USAGE,
  EXIT_VALID,
  parseOptions,
  UsageError,
} from './cli-io';

/** The largest step SQLite's backup API takes: the whole database at once. */
const WHOLE_DATABASE = 0x7fffffff;

/** Files beside a SQLite database that SQLite would read as part of it. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/** Thrown for input the command refuses; it becomes exit code 2. */
class InputError extends Error {}

/**
 * `backup`: a consistent copy of the live database, taken while the server keeps writing.
 *
 * SQLite's online backup API copies the pages; it is asked to copy them all in one step, which
 * reads one snapshot (WAL readers never block the server's writers), so the copy is the database
 * as it stood at one commit and never restarts because a server wrote in between. The copy is
 * written beside the destination, checked with `PRAGMA integrity_check`, made readable by its
 * owner only and then linked into place, so the destination is either absent or complete, and
 * an existing file is never overwritten.
 */
export function createBackupCommand(defaultDatabasePath: () => string): CliCommand {
  return {
    words: ['backup'],
    usage: 'backup <destination-file> [--database <path>]',
    summary:
      'Copy the live database (default: DATABASE_PATH) consistently while the server runs; never overwrites. The blinding key is not in it: back that up separately.',
    run: (args, io) => runBackup(args, io, defaultDatabasePath),
  };
}

export const backupCommand = createBackupCommand(() => loadAppConfigFromEnvironment().databasePath);

async function runBackup(
  args: string[],
  io: CliIo,
  defaultDatabasePath: () => string,
): Promise<number> {
  const { positional, options } = parseOptions(args, ['database']);
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0 ? 'name the destination file' : 'one destination at a time',
    );
  }
  try {
    const source = resolve(options.get('database') ?? configuredDatabasePath(defaultDatabasePath));
    const destination = resolve(positional[0]);
    refuseUnsafe(source, destination);
    return await copy(source, destination, io);
  } catch (error) {
    if (error instanceof InputError) {
      io.err(`Cannot back up: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function configuredDatabasePath(defaultDatabasePath: () => string): string {
  try {
    return defaultDatabasePath();
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new InputError(
        `${error.message}; fix the environment or name the database with --database <path>`,
      );
    }
    throw error;
  }
}

function refuseUnsafe(source: string, destination: string): void {
  if (source.endsWith(':memory:'))
    throw new InputError('an in-memory database has no file to copy');
  if (!existsSync(source)) throw new InputError(`there is no database at ${source}`);
  if (existsSync(destination)) {
    throw new InputError(
      `${destination} already exists; a backup never overwrites, name a new file`,
    );
  }
  // A stale -wal beside the destination would be replayed into the copy when it is opened.
  const stale = COMPANIONS.map((suffix) => destination + suffix).find((path) => existsSync(path));
  if (stale) throw new InputError(`${stale} exists; remove it or name another destination`);
  if (!existsSync(dirname(destination))) {
    throw new InputError(`the directory ${dirname(destination)} does not exist`);
  }
}

async function copy(source: string, destination: string, io: CliIo): Promise<number> {
  const partial = join(dirname(destination), `.${basename(destination)}.partial-${process.pid}`);
  const started = performance.now();
  const db = new Database(source, {
    readonly: true,
    fileMustExist: true,
    timeout: BUSY_TIMEOUT_MS,
  });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const { totalPages } = await db.backup(partial, { progress: () => WHOLE_DATABASE });
    const seconds = (performance.now() - started) / 1000;

    const check = inspectCopy(partial);
    if (check.integrity !== 'ok') {
      io.out(`invalid: the copy fails PRAGMA integrity_check: ${check.integrity}`);
      io.out(`The source ${source} may be damaged; nothing was written to ${destination}.`);
      return EXIT_INVALID;
    }
    chmodSync(partial, 0o600);
    install(partial, destination);

    const bytes = statSync(destination).size;
    io.out(`backup: ${source} -> ${destination}`);
    io.out(
      `copied ${totalPages} pages of ${pageSize} bytes (${bytes} bytes) in ${seconds.toFixed(3)} s`,
    );
    io.out(
      `integrity_check ok; ${check.auditEntries ?? 'no'} audit entries` +
        (check.headSeq !== undefined ? ` (last seq ${check.headSeq})` : ''),
    );
    io.err(
      'The blinding key, token secret and audit signing key are not in the copy. Restore needs ' +
        'this file and the same BLINDING_KEY; keep the key backed up separately (docs/operations.md).',
    );
    return EXIT_VALID;
  } finally {
    db.close();
    for (const path of [partial, ...COMPANIONS.map((suffix) => partial + suffix)]) {
      rmSync(path, { force: true });
    }
  }
}

interface CopyCheck {
  integrity: string;
  auditEntries?: number;
  headSeq?: number;
}

/**
 * Checks the copy before it is put in place. Opened read-write so that closing the last
 * connection removes the -wal and -shm files that opening a WAL database creates.
 */
function inspectCopy(path: string): CopyCheck {
  const db = new Database(path, { fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const integrity = rows.map((row) => row.integrity_check).join('; ');
    const hasAudit = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entries'")
      .get();
    if (!hasAudit) return { integrity };
    const audit = db
      .prepare('SELECT COUNT(*) AS entries, MAX(seq) AS headSeq FROM audit_entries')
      .get() as { entries: number; headSeq: number | null };
    return { integrity, auditEntries: audit.entries, headSeq: audit.headSeq ?? undefined };
  } finally {
    db.close();
  }
}

/** Puts the finished copy at `destination` without ever replacing a file that appeared there. */
function install(partial: string, destination: string): void {
  try {
    linkSync(partial, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new InputError(`${destination} appeared while the copy was taken; it was left alone`);
    }
    // A file system without hard links: the check and the rename are not atomic there.
    if (existsSync(destination)) throw new InputError(`${destination} already exists`);
    renameSync(partial, destination);
  }
}
