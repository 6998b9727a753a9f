/**
 * SQLite result codes that mean the storage under the database failed, not the statement: the
 * change could not be made durable, and the same statement may succeed once an operator has
 * freed space or repaired the file system. Extended codes (SQLITE_IOERR_WRITE...) share the
 * prefix of their primary code.
 */
const STORAGE_FAULTS: readonly (readonly [prefix: string, cause: string])[] = [
  ['SQLITE_FULL', 'disk full'],
  ['SQLITE_IOERR', 'disk I/O error'],
  ['SQLITE_READONLY', 'the database file is read-only'],
  ['SQLITE_CANTOPEN', 'the database file cannot be opened'],
];

/**
 * PostgreSQL SQLSTATEs (and the driver's socket errors) that mean the server or the way to it
 * failed, not the statement: the change was not stored and may succeed once it is back.
 */
const POSTGRES_FAULTS: readonly (readonly [prefix: string, cause: string])[] = [
  ['53100', 'disk full'],
  ['53', 'the database server is out of resources'],
  ['58', 'disk I/O error'],
  ['08', 'the connection to the database server failed'],
  ['57P', 'the database server is shutting down or restarting'],
  ['ECONNREFUSED', 'the database server cannot be reached'],
  ['ECONNRESET', 'the connection to the database server failed'],
  ['ETIMEDOUT', 'the database server cannot be reached'],
];

/** pg's own errors for a connection that ended or never came, which carry no code. */
const POSTGRES_CONNECTION_LOST = /^Connection terminated|timeout exceeded when trying to connect/;

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/**
 * The cause, in a few words, when `error` (a better-sqlite3 SqliteError, or TypeORM's
 * QueryFailedError wrapping one as `driverError`) is a storage fault; undefined otherwise.
 */
export function storageFaultOf(error: unknown): string | undefined {
  const driverError =
    typeof error === 'object' && error !== null
      ? (error as { driverError?: unknown }).driverError
      : undefined;
  const code = codeOf(driverError) ?? codeOf(error);
  if (code === undefined) {
    const message =
      (driverError ?? error) instanceof Error ? ((driverError ?? error) as Error).message : '';
    return POSTGRES_CONNECTION_LOST.test(message)
      ? 'the connection to the database server failed'
      : undefined;
  }
  if (code.startsWith('SQLITE_')) {
    return STORAGE_FAULTS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
  }
  // A five-character SQLSTATE (or a socket error): the most specific prefix wins, 53100 before 53.
  return POSTGRES_FAULTS.find(([prefix]) => code.startsWith(prefix))?.[1];
}
