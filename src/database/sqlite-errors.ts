/**
 * SQLite's own word that the file is damaged: a corrupted page (SQLITE_CORRUPT and its extended
 * codes) or a file that is not a database at all (SQLITE_NOTADB). TypeORM wraps driver errors in
 * QueryFailedError, with the driver's error as `driverError`.
 */
export function isDatabaseCorruption(error: unknown): boolean {
  const codes: unknown[] = [];
  if (typeof error === 'object' && error !== null) {
    const record = error as { code?: unknown; driverError?: { code?: unknown } };
    codes.push(record.code, record.driverError?.code);
  }
  return codes.some((code) => typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code));
}
