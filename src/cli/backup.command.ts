import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  Stats,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
  commandLineEnvironment,
  ConfigError,
  loadAppConfigFromEnvironment,
  PostgresConfig,
} from '../config/app-config';
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
import {
  dumpAndCheck,
  findPostgresTool,
  pgDumpInstructions,
  PostgresBackupInputError,
} from './backup-postgres';

/** Files beside a SQLite database that SQLite would read as part of it. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/** "SQLite format 3\0": the header that makes a file a database; written last. */
const MAGIC_LENGTH = 16;
/** Written in steps, so that a signal is handled (and the partial removed) between them. */
const CHUNK_BYTES = 1 << 20;
/** Partials are `.<destination>.partial-<16 hex>`; older versions used `-<pid>`. */
const PARTIAL_INFIX = '.partial-';
const PARTIAL_SUFFIX = /^(?:[0-9a-f]{16}|\d+)(?:-wal|-shm|-journal)?$/;
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** Thrown for input the command refuses; it becomes exit code 2. */
class InputError extends Error {}

/**
 * `backup`: a consistent copy of the live database, taken while the server keeps writing.
 *
 * The database is read in one read transaction (sqlite3_serialize: one snapshot; WAL readers
 * never block the server's writers), so the copy is the database as it stood at one commit. The
 * image is checked with `PRAGMA integrity_check` in memory, then written by this process itself
 * (SQLite never opens the partial, so no -journal or -wal can ever sit beside it) to a new file
 * with a random name, opened O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600: a planted file or link
 * is never followed. Its first 16 bytes (the "SQLite format 3" magic) are written last, after an
 * fsync of the rest, so a partial cut short is not a database under any name. It is read back,
 * compared, fsynced and hard-linked to the destination, which link() refuses when it exists.
 * The partial is removed on every exit path, SIGINT and SIGTERM included; one left by a SIGKILL
 * is named and removed by the next run.
 */
export function createBackupCommand(
  defaultDatabase: () => string | PostgresConfig,
  /** What pg_dump and pg_restore inherit (less DATABASE_URL and PG*: backup-postgres.ts). */
  environment: () => Readonly<Record<string, string | undefined>> = commandLineEnvironment,
): CliCommand {
  return {
    words: ['backup'],
    usage: 'backup <destination-file> [--database <path>] [--pg-bin <dir>] [--list-only]',
    summary:
      'Copy the live database (default: DATABASE_PATH, or DATABASE_URL: a pg_dump custom-format archive, restored into a scratch database to be checked unless --list-only) consistently while the server runs; never overwrites. The blinding key is not in it: back that up separately.',
    run: (args, io) => runBackup(args, io, defaultDatabase, environment),
  };
}

export const backupCommand = createBackupCommand(() => {
  const config = loadAppConfigFromEnvironment();
  return config.postgres ?? config.databasePath;
});

async function runBackup(
  args: string[],
  io: CliIo,
  defaultDatabase: () => string | PostgresConfig,
  environment: () => Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { positional, options, flags } = parseOptions(args, ['database', 'pg-bin'], ['list-only']);
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length === 0 ? 'name the destination file' : 'one destination at a time',
    );
  }
  try {
    const configured = options.get('database') ?? configuredDatabase(defaultDatabase);
    const destination = resolve(positional[0]);
    if (typeof configured !== 'string') {
      refuseUnsafeDestination(destination);
      const pgDump = findPostgresTool('pg_dump', options.get('pg-bin'));
      const pgRestore = findPostgresTool('pg_restore', options.get('pg-bin'));
      if (!pgDump || !pgRestore) {
        const where =
          options.get('pg-bin') ?? 'the usual places (/usr/lib/postgresql/*/bin, /usr/bin)';
        io.err(
          `Cannot back up ${configured.display}: ${pgDump ? 'pg_restore' : 'pg_dump'} not found in ${where}.`,
        );
        for (const line of pgDumpInstructions(configured, destination)) io.err(line);
        return EXIT_USAGE;
      }
      removeStalePartials(destination, io);
      return await copyPostgres(configured, destination, io, {
        pgDump,
        pgRestore,
        restore: !flags.has('list-only'),
        environment: environment(),
      });
    }
    if (flags.has('list-only') || options.has('pg-bin')) {
      throw new InputError('--list-only and --pg-bin are for a PostgreSQL database (DATABASE_URL)');
    }
    const source = resolve(configured);
    refuseUnsafe(source, destination);
    removeStalePartials(destination, io);
    return await copy(source, destination, io);
  } catch (error) {
    if (error instanceof InputError || error instanceof PostgresBackupInputError) {
      io.err(`Cannot back up: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function configuredDatabase(
  defaultDatabase: () => string | PostgresConfig,
): string | PostgresConfig {
  try {
    return defaultDatabase();
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new InputError(
        `${error.message}; fix the environment or name the database with --database <path>`,
      );
    }
    throw error;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function refuseUnsafe(source: string, destination: string): void {
  if (source.endsWith(':memory:'))
    throw new InputError('an in-memory database has no file to copy');
  if (!existsSync(source)) throw new InputError(`there is no database at ${source}`);
  refuseUnsafeDestination(destination);
}

function refuseUnsafeDestination(destination: string): void {
  // lstat, not exists: a link, even one pointing nowhere, is refused and never followed.
  const there = lstatOrUndefined(destination);
  if (there?.isSymbolicLink()) {
    throw new InputError(`${destination} is a symbolic link; a backup never writes through one`);
  }
  if (there) {
    throw new InputError(
      `${destination} already exists; a backup never overwrites, name a new file`,
    );
  }
  // A stale -wal beside the destination would be replayed into the copy when it is opened.
  const stale = COMPANIONS.map((suffix) => destination + suffix).find(
    (path) => lstatOrUndefined(path) !== undefined,
  );
  if (stale) throw new InputError(`${stale} exists; remove it or name another destination`);
  if (!lstatOrUndefined(dirname(destination))?.isDirectory()) {
    throw new InputError(`the directory ${dirname(destination)} does not exist`);
  }
}

function partialPrefix(destination: string): string {
  return `.${basename(destination)}${PARTIAL_INFIX}`;
}

/** Partial copies of this destination that an interrupted run left (a SIGKILL, a power cut). */
export function stalePartials(destination: string): string[] {
  const prefix = partialPrefix(destination);
  return readdirSync(dirname(destination))
    .filter((name) => name.startsWith(prefix) && PARTIAL_SUFFIX.test(name.slice(prefix.length)))
    .map((name) => join(dirname(destination), name))
    .filter((path) => !lstatOrUndefined(path)?.isDirectory());
}

function removeStalePartials(destination: string, io: CliIo): void {
  for (const path of stalePartials(destination)) {
    // unlink removes a planted link itself, never what it points to.
    rmSync(path, { force: true });
    io.err(`Removed ${path}: a partial copy left by an interrupted backup (not a backup).`);
  }
}

async function copy(source: string, destination: string, io: CliIo): Promise<number> {
  const started = performance.now();
  const db = new Database(source, {
    readonly: true,
    fileMustExist: true,
    timeout: BUSY_TIMEOUT_MS,
  });
  let image: Buffer;
  let pageSize: number;
  try {
    pageSize = db.pragma('page_size', { simple: true }) as number;
    image = db.serialize();
  } finally {
    db.close();
  }
  const check = inspectImage(image);
  if (check.integrity !== 'ok') {
    io.out(`invalid: the copy fails PRAGMA integrity_check: ${check.integrity}`);
    io.out(`The source ${source} may be damaged; nothing was written to ${destination}.`);
    return EXIT_INVALID;
  }

  const partial = join(
    dirname(destination),
    partialPrefix(destination) + randomBytes(8).toString('hex'),
  );
  const removePartial = () => rmSync(partial, { force: true });
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    removePartial();
    process.stderr.write(`backup interrupted by ${signal}; the partial copy was removed\n`);
    process.exit(SIGNAL_EXIT[signal]);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const written = await writePartial(partial, image);
    install(partial, destination, written);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removePartial();
  }
  const seconds = (performance.now() - started) / 1000;
  io.out(`backup: ${source} -> ${destination}`);
  io.out(
    `copied ${image.length / pageSize} pages of ${pageSize} bytes (${image.length} bytes) in ${seconds.toFixed(3)} s`,
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
}

/**
 * PostgreSQL: pg_dump writes into a partial this process created (O_EXCL|O_NOFOLLOW, 0600), as
 * on SQLite, so nothing planted in the folder is followed; the partial is put at the destination
 * only after the copy passed its checks (backup-postgres.ts), and removed on every other path.
 */
async function copyPostgres(
  pg: PostgresConfig,
  destination: string,
  io: CliIo,
  tools: {
    pgDump: string;
    pgRestore: string;
    restore: boolean;
    environment: Readonly<Record<string, string | undefined>>;
  },
): Promise<number> {
  const started = performance.now();
  const partial = join(
    dirname(destination),
    partialPrefix(destination) + randomBytes(8).toString('hex'),
  );
  const removePartial = () => rmSync(partial, { force: true });
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    removePartial();
    process.stderr.write(`backup interrupted by ${signal}; the partial copy was removed\n`);
    process.exit(SIGNAL_EXIT[signal]);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    let handle;
    try {
      handle = await open(partial, flags, 0o600);
    } catch (error) {
      throw new InputError(
        `cannot create the temporary copy ${partial}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    let check;
    let written: Written;
    let bytes: number;
    try {
      await handle.chmod(0o600);
      check = await dumpAndCheck(
        pg,
        handle,
        partial,
        tools.pgDump,
        tools.pgRestore,
        tools.restore,
        tools.environment,
      );
      const stats = await handle.stat();
      written = { dev: stats.dev, ino: stats.ino };
      bytes = stats.size;
    } finally {
      await handle.close();
    }
    if (check.problem !== undefined) {
      io.out(`invalid: ${check.problem}`);
      io.out(`Nothing was written to ${destination}.`);
      return EXIT_INVALID;
    }
    install(partial, destination, written);
    const seconds = (performance.now() - started) / 1000;
    io.out(`backup: ${pg.display} -> ${destination}`);
    io.out(
      `${check.pgDumpVersion}, custom format: ${bytes} bytes in ${seconds.toFixed(3)} s; ` +
        `pg_restore --list reads ${check.archiveEntries} archive entries`,
    );
    if (tools.restore) {
      io.out(
        `restored into the scratch database ${check.scratchDatabase} (dropped): ` +
          `${check.auditEntries} audit entries` +
          (check.headSeq !== undefined ? ` (last seq ${check.headSeq})` : '') +
          `, chain valid; the live log's head is seq ${check.liveHeadSeq ?? 0} and holds the ` +
          "copy's head entry unchanged",
      );
    } else {
      io.out('--list-only: the copy was not restored, so its audit chain was not checked');
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removePartial();
  }
  io.err(
    'The blinding key, token secret and audit signing key are not in the copy. Restore it with ' +
      'pg_restore into a new database and the same BLINDING_KEY (docs/operations.md).',
  );
  return EXIT_VALID;
}

interface CopyCheck {
  integrity: string;
  auditEntries?: number;
  headSeq?: number;
}

/**
 * Checks the image in memory, so SQLite never opens (or journals beside) a file on disk.
 * Maintenance SQL (integrity_check, the catalogue, the copy's audit count): the image is a copy,
 * not the live database, and no data source, repository or migration ever sees it.
 */
function inspectImage(image: Buffer): CopyCheck {
  // An in-memory database cannot be in WAL mode: its header bytes 18 and 19 read "legacy" for
  // the check (better-sqlite3 copies the buffer) and are put back before the image is written.
  const [write, read] = [image[18], image[19]];
  image[18] = 1;
  image[19] = 1;
  let db: Database.Database;
  try {
    db = new Database(image);
  } catch (error) {
    return { integrity: `not a database: ${(error as Error).message}` };
  } finally {
    image[18] = write;
    image[19] = read;
  }
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

/** The identity of the file this process wrote, to recognise it at the destination. */
interface Written {
  dev: number;
  ino: number;
}

/**
 * Writes the image to a new file that nothing else can have prepared: O_EXCL refuses an existing
 * name, O_NOFOLLOW a link. The magic goes in last, so until the copy is whole and on disk the
 * file is not a SQLite database. Read back and compared before it counts.
 */
async function writePartial(partial: string, image: Buffer): Promise<Written> {
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  let handle;
  try {
    handle = await open(partial, flags, 0o600);
  } catch (error) {
    throw new InputError(
      `cannot create the temporary copy ${partial}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    await handle.chmod(0o600);
    await handle.write(Buffer.alloc(MAGIC_LENGTH), 0, MAGIC_LENGTH, 0);
    for (let offset = MAGIC_LENGTH; offset < image.length; offset += CHUNK_BYTES) {
      const length = Math.min(CHUNK_BYTES, image.length - offset);
      await handle.write(image, offset, length, offset);
    }
    await handle.sync();
    await handle.write(image, 0, Math.min(MAGIC_LENGTH, image.length), 0);
    await handle.sync();
    const back = Buffer.alloc(image.length);
    const { bytesRead } = await handle.read(back, 0, image.length, 0);
    if (bytesRead !== image.length || !sameBytes(back, image)) {
      throw new Error(`the temporary copy ${partial} does not read back as written`);
    }
    const stats = await handle.stat();
    return { dev: stats.dev, ino: stats.ino };
  } finally {
    await handle.close();
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  const digest = (buffer: Buffer) => createHash('sha256').update(buffer).digest();
  return digest(a).equals(digest(b));
}

function isWritten(path: string, written: Written): boolean {
  const stats = lstatOrUndefined(path);
  return (
    stats !== undefined && stats.isFile() && stats.dev === written.dev && stats.ino === written.ino
  );
}

/** Puts the finished copy at `destination` without ever replacing a file that appeared there. */
function install(partial: string, destination: string, written: Written): void {
  if (!isWritten(partial, written)) {
    throw new InputError(`the temporary copy ${partial} was replaced while it was written`);
  }
  try {
    linkSync(partial, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new InputError(`${destination} appeared while the copy was taken; it was left alone`);
    }
    // A file system without hard links: the check and the rename are not atomic there.
    if (lstatOrUndefined(destination)) throw new InputError(`${destination} already exists`);
    renameSync(partial, destination);
  }
  if (!isWritten(destination, written)) {
    // Swapped between the check and the link: the name at the destination is not this copy.
    rmSync(destination, { force: true });
    throw new InputError(`the temporary copy ${partial} was replaced before it was put in place`);
  }
  // The new name must survive a power cut too.
  const directory = openSync(dirname(destination), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}
