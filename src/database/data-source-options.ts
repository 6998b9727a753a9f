import type Database from 'better-sqlite3';
import { DataSourceOptions } from 'typeorm';
import { AppConfig, PostgresConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { secureDatabaseDirectory, secureDatabaseFiles } from './file-permissions';
import { MIGRATIONS } from './migrations';

/** How long a process waits for another process's write lock before giving up. */
export const BUSY_TIMEOUT_MS = 15_000;

/**
 * The embedded database: better-sqlite3, WAL, synchronous=FULL (an acknowledged commit survives a
 * power cut), foreign keys on, a busy timeout; schema by migrations at start, never synchronize.
 * The folder is 0700 and the files 0600 (file-permissions.ts): they hold health data.
 */
export function sqliteDataSourceOptions(databasePath: string): DataSourceOptions {
  secureDatabaseDirectory(databasePath);
  return {
    type: 'better-sqlite3',
    database: databasePath,
    enableWAL: databasePath !== ':memory:',
    timeout: BUSY_TIMEOUT_MS,
    prepareDatabase: (db: Database.Database) => {
      // Before the first write (WAL is switched on after this): the -wal and -shm SQLite
      // creates then take this file's mode.
      secureDatabaseFiles(databasePath);
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

/** How long a new PostgreSQL connection may take before the attempt fails (start and pool). */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL through `pg`: a pool of DATABASE_POOL_SIZE connections, the same entities and
 * migrations as SQLite, never synchronize. Durability is the server's (fsync, synchronous_commit
 * on, as PostgreSQL ships); the files and their modes are the database administrator's.
 */
export function postgresDataSourceOptions(postgres: PostgresConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: postgres.url,
    extra: {
      max: postgres.poolSize,
      connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
      application_name: 'trial-blinding-service',
    },
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  };
}

/** The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return config.postgres
    ? postgresDataSourceOptions(config.postgres)
    : sqliteDataSourceOptions(config.databasePath);
}
