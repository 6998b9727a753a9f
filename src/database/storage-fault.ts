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
  if (code === undefined) return undefined;
  return STORAGE_FAULTS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
}
