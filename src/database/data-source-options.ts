import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** How long a process waits for another process's write lock before giving up. */
export const BUSY_TIMEOUT_MS = 15_000;

/**
 * The embedded database: better-sqlite3, WAL, synchronous=FULL (an acknowledged commit survives a
 * power cut), foreign keys on, a busy timeout; schema by migrations at start, never synchronize.
 */
export function sqliteDataSourceOptions(databasePath: string): DataSourceOptions {
  if (databasePath !== ':memory:') mkdirSync(dirname(databasePath), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: databasePath,
    enableWAL: databasePath !== ':memory:',
    timeout: BUSY_TIMEOUT_MS,
    prepareDatabase: (db: Database.Database) => {
      db.pragma('synchronous = FULL');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
    },
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  };
}
