import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { DataSource } from 'typeorm';
import { AuditEntriesRepository } from '../audit/audit-entries.repository';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { checkDatabaseFileBeforeOpen } from '../database/installation-marker';
import { preparePostgresStart } from '../database/postgres-startup';
import { UnitOfWork } from '../database/unit-of-work';

/** The database as a maintenance command sees it: no HTTP server, no start-up checks. */
export interface MaintenanceDatabase {
  uow: UnitOfWork;
  audit: AuditService;
  close(): Promise<void>;
}

/**
 * Opens the configured database without the server's start-up checks, which are what refuse
 * the start a maintenance command exists to resolve (another audit key, a head the journal does
 * not know). It never creates a database: a missing file is an input error.
 */
export async function openMaintenanceDatabase(config: AppConfig): Promise<MaintenanceDatabase> {
  // PostgreSQL: the server must answer and hold the trial DATA_DIR's marker names; the start-up
  // lock is only held while the pool opens (no migration is run behind a starting server's back).
  const postgresStart = config.postgres ? await preparePostgresStart(config) : undefined;
  if (!config.postgres) {
    if (config.databasePath === ':memory:' || !existsSync(config.databasePath)) {
      throw new Error(`no database at ${config.databasePath} (DATABASE_PATH)`);
    }
    checkDatabaseFileBeforeOpen(config.dataDir, config.databasePath);
  }
  const dataSource = new DataSource(dataSourceOptions(config));
  try {
    await dataSource.initialize();
  } finally {
    await postgresStart?.release();
  }
  return {
    uow: new UnitOfWork(dataSource),
    audit: new AuditService(new AuditEntriesRepository()),
    close: () => dataSource.destroy(),
  };
}

/** The actor of a command-line action: `cli:<os user>`, so the audit log says who ran it. */
export function cliActor(): Actor {
  return {
    username: `cli:${userInfo().username}`.slice(0, 64),
    roles: [],
    ip: null,
    requestId: null,
  };
}
