import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { withoutPassword } from '../database/postgres-startup';
import { InstallationRecord } from './validation-report';

/*
 * Not an aggregate's repository: the one read-only view of the validation report (`npm run
 * validate`), which names the installation it ran against by its trial and list commitment. It
 * reads two aggregates' tables (trials, randomization_lists) and writes none. Its SQL is here,
 * not in TrialRepository and RandomizationListRepository, because it runs without the service's
 * data source: opening one runs the migrations, which would write into the database under
 * inspection. So it reads through a read-only SQLite handle or a plain pg client, three columns
 * of each table, which a database of an earlier release has too. The layout guard lists it as
 * owning no table (OWNED_TABLES), so a write here fails the guard.
 */

interface TrialRow {
  protocolId: string;
  definitionHash: string;
  lockedAt: string | null;
}

interface ListRow {
  method: string;
  commitment: string;
  generatedAt: string;
}

const TRIAL_SQL =
  'SELECT protocol_id AS "protocolId", definition_hash AS "definitionHash", locked_at AS "lockedAt" FROM trials';
const LIST_SQL =
  'SELECT method, commitment, generated_at AS "generatedAt" FROM randomization_lists';

function recordOf(database: string, trials: TrialRow[], lists: ListRow[]): InstallationRecord {
  return { kind: 'read', database, trial: trials[0] ?? null, list: lists[0] ?? null };
}

/**
 * The trial and list commitment of the configured database, read without writing anything (a
 * read-only SQLite handle; plain SELECTs on PostgreSQL) and without the server's start-up
 * checks: the report says what is there, the server decides whether it may serve it.
 */
export async function readInstallationRecord(config: AppConfig): Promise<InstallationRecord> {
  const database = config.databasePath;
  try {
    if (config.postgres) {
      const client = new Client({ connectionString: config.postgres.url });
      await client.connect();
      try {
        // The server refuses any write of this session, as the SQLite handle below does.
        await client.query('SET default_transaction_read_only = on');
        const trials = (await client.query<TrialRow>(TRIAL_SQL)).rows;
        const lists = (await client.query<ListRow>(LIST_SQL)).rows;
        return recordOf(database, trials, lists);
      } finally {
        await client.end();
      }
    }
    if (database === ':memory:' || !existsSync(database)) {
      return { kind: 'unreadable', database, problem: 'there is no database file' };
    }
    const db = new Database(database, { readonly: true, fileMustExist: true });
    try {
      return recordOf(
        database,
        db.prepare(TRIAL_SQL).all() as TrialRow[],
        db.prepare(LIST_SQL).all() as ListRow[],
      );
    } finally {
      db.close();
    }
  } catch (error) {
    const message = (error as Error).message;
    return {
      kind: 'unreadable',
      database,
      problem: config.postgres ? withoutPassword(message, config.postgres) : message,
    };
  }
}
