import Database from 'better-sqlite3';
import { Client } from 'pg';
import { ChainedAuditEntry, ChainVerification, verifyChain } from '../../src/audit/audit-chain';
import { AppConfig } from '../../src/config/app-config';
import { AuditRow, auditEntryOfRow, readAuditEntries } from './database-file';

/**
 * The database of a test server, read (or tampered with) from outside the server, as an
 * inspector holding the file or a database login would: a connection of its own, never the
 * server's. The same calls serve SQLite and PostgreSQL; SQL is written with `?` placeholders.
 */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs statements that change the database (tampering tests); throws what the database throws. */
  execute(sql: string, params?: unknown[]): Promise<void>;
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  auditEntries(): Promise<ChainedAuditEntry[]>;
  verifyAudit(): Promise<ChainVerification>;
  /**
   * Every table of the server's schema, by name (SQLite: sqlite_master, so sqlite_sequence too;
   * PostgreSQL: the base tables of the connection's schema, where the migrations create them).
   */
  tables(): Promise<string[]>;
  /**
   * Every row of a table, each as JSON text holding every column (PostgreSQL: row_to_json, so
   * every value as the database writes it out), sorted: the same rows give the same list.
   */
  rowsAsText(table: string): Promise<string[]>;
  /** Ends the inspector's connection (PostgreSQL); test-app's close() calls it. */
  close(): Promise<void>;
}

/**
 * The statements that drop the guards of the sealed slot columns, as someone holding the database
 * file or a login that owns the tables would before editing a slot: the set-up's guard and key
 * rotation's own for target_sealed (slots_sealed_fixed). A test that tampers with slots runs
 * these first; a new trigger on slots belongs here too.
 */
export function slotGuardDrops(kind: TestDatabase['kind']): string[] {
  return kind === 'postgres'
    ? [
        'DROP TRIGGER IF EXISTS slots_guard ON slots',
        'DROP TRIGGER IF EXISTS slots_sealed_fixed ON slots',
      ]
    : [
        'DROP TRIGGER IF EXISTS slots_no_column_update',
        'DROP TRIGGER IF EXISTS slots_sealed_fixed',
      ];
}

/** The same for the append-only audit log's triggers. */
export function auditGuardDrops(kind: TestDatabase['kind']): string[] {
  return kind === 'postgres'
    ? ['DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries']
    : [
        'DROP TRIGGER IF EXISTS audit_entries_no_update',
        'DROP TRIGGER IF EXISTS audit_entries_no_delete',
      ];
}

/** `?` placeholders as PostgreSQL's `$1, $2...` (the tests' SQL has no `?` in literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * better-sqlite3's native part keeps the SqliteError class of the first test file that loaded it
 * (jest --runInBand runs every file in one process, each in its own realm), so a later file gets
 * errors that are not Errors of its own realm, and `rejects.toThrow()` reads them as "did not
 * throw". Rethrown as an Error of this realm, with the same message and code.
 */
function inThisRealm(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  const { message, code } = error as { message?: unknown; code?: unknown };
  if (typeof message !== 'string') return error;
  return Object.assign(new Error(message), typeof code === 'string' ? { code } : {});
}

function withSqlite<T>(path: string, readonly: boolean, work: (db: Database.Database) => T): T {
  // A generous busy timeout: the server may be writing when the test reads or tampers.
  const db = new Database(path, { readonly, fileMustExist: true, timeout: 30_000 });
  try {
    return work(db);
  } catch (error) {
    throw inThisRealm(error);
  } finally {
    db.close();
  }
}

export function testDatabaseOf(config: AppConfig): TestDatabase {
  const postgres = config.postgres;
  // One connection of its own for the test's life, opened on first use.
  let client: Promise<Client> | undefined;
  const withClient = async <T>(url: string, work: (connected: Client) => Promise<T>) => {
    client ??= (async () => {
      const connected = new Client({ connectionString: url });
      // A connection the database server ends (a fault test stopping it) must not crash the test
      // run as an unhandled 'error' event: the inspector's next query fails instead.
      connected.on('error', () => undefined);
      await connected.connect();
      return connected;
    })();
    return work(await client);
  };
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    postgres
      ? withClient(
          postgres.url,
          async (client) => (await client.query(numbered(sql), params)).rows as T[],
        )
      : Promise.resolve(
          withSqlite(config.databasePath, true, (db) => db.prepare(sql).all(...params) as T[]),
        );
  const auditEntries = async (): Promise<ChainedAuditEntry[]> =>
    postgres
      ? (await query<AuditRow>('SELECT * FROM audit_entries ORDER BY seq')).map(auditEntryOfRow)
      : withSqlite(config.databasePath, true, (db) => readAuditEntries(db));
  return {
    kind: postgres ? 'postgres' : 'sqlite',
    query,
    async execute(sql, params = []) {
      if (postgres) {
        await withClient(postgres.url, (client) => client.query(numbered(sql), params));
        return;
      }
      withSqlite(config.databasePath, false, (db) => {
        if (params.length === 0) db.exec(sql);
        else db.prepare(sql).run(...params);
      });
    },
    async count(table, where, params) {
      const rows = await query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`,
        params,
      );
      return Number(rows[0]?.n ?? 0);
    },
    auditEntries,
    async verifyAudit() {
      return verifyChain(await auditEntries());
    },
    async tables() {
      const rows = postgres
        ? await query<{ name: string }>(
            `SELECT table_name AS name FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
          )
        : await query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`);
      return rows.map((row) => row.name).sort();
    },
    async rowsAsText(table) {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const rows = postgres
        ? (await query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${quoted} t`)).map(
            (row) => row.row,
          )
        : (await query<Record<string, unknown>>(`SELECT * FROM ${quoted}`)).map((row) =>
            JSON.stringify(row),
          );
      return rows.sort();
    },
    async close() {
      const open = client;
      client = undefined;
      await (await open?.catch(() => undefined))?.end();
    },
  };
}
