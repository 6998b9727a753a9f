import { existsSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from './data-source-options';
import { DatabaseFileRefused } from './installation-marker';

/** Problems quick_check lists before it stops: enough to name the damage. */
const MAX_REPORTED = 10;

/**
 * `PRAGMA quick_check` before the server opens the database: a damaged page (in the audit log or
 * anywhere else) stops the start instead of being found by the first unlucky request. It reads
 * every page once, so its time grows with the file (measured figures in docs/operations.md);
 * it checks b-tree structure and record format but not index contents against tables, which is
 * what keeps it linear (integrity_check, for a restore, does both).
 */
export function quickCheckDatabase(databasePath: string, logger = new Logger('Startup')): void {
  if (databasePath === ':memory:' || !existsSync(databasePath)) return;
  const size = statSync(databasePath).size;
  if (size === 0) return;
  const started = performance.now();
  let problems: string[];
  let db: Database.Database | undefined;
  try {
    db = new Database(databasePath, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const rows = db.pragma(`quick_check(${MAX_REPORTED})`) as { quick_check: string }[];
    problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
  } catch (error) {
    problems = [(error as Error).message];
  } finally {
    db?.close();
  }
  const ms = Math.round(performance.now() - started);
  if (problems.length > 0) {
    throw new DatabaseFileRefused(
      `PRAGMA quick_check found the database ${databasePath} damaged: ${problems.join('; ')}. ` +
        'Nothing was served from it. Keep the damaged file for investigation and restore the ' +
        'latest backup (docs/operations.md, "Restoring").',
    );
  }
  logger.log(
    `Database ${databasePath}: quick_check ok (${(size / 1e6).toFixed(1)} MB in ${ms} ms)`,
  );
}
