import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  postgresDataSourceOptions,
  sqliteDataSourceOptions,
} from '../src/database/data-source-options';
import { postgresConfigOf } from '../src/config/app-config';
import { TruncateGuards1764000010500 } from '../src/database/migrations/1764000010500-truncate-guards';
import {
  describeOnPostgres,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';
import { newTempDir } from './support/test-app';

/**
 * The same migrations on SQLite and PostgreSQL must give the same schema: the same tables and
 * columns (with types normalised to the declared SQL type), keys, indexes and foreign keys, and
 * triggers that refuse the same events on the same columns. Each side is read from the
 * database's own catalogue, so a dialect branch that drifts fails here.
 */

/** TypeORM's own bookkeeping, whose shape is TypeORM's per dialect. */
const NOT_OURS = new Set(['migrations', 'sqlite_sequence', 'typeorm_metadata']);

type Schema = string[];

async function sqliteSchema(db: DataSource): Promise<Schema> {
  const lines: string[] = [];
  const tables = (
    await db.query<{ name: string }[]>(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
  )
    .map((row) => row.name)
    .filter((name) => !NOT_OURS.has(name));
  const generated = new Set<string>();
  for (const row of await db.query<{ name: string; sql: string }[]>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table'",
  )) {
    for (const m of row.sql.matchAll(/(\w+) integer PRIMARY KEY AUTOINCREMENT/gi)) {
      generated.add(`${row.name}.${m[1]}`);
    }
  }
  for (const table of tables) {
    const columns = await db.query<
      { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[]
    >(`PRAGMA table_info(${table})`);
    const primaryKey = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    for (const column of columns) {
      // A primary key column is never null on either database, whether or not it says so.
      const notNull = column.notnull === 1 || column.pk > 0;
      lines.push(
        `${table}.${column.name} ${column.type.toLowerCase()}${notNull ? ' not null' : ''}${column.dflt_value === null ? '' : ` default ${column.dflt_value}`}${generated.has(`${table}.${column.name}`) ? ' generated' : ''}`,
      );
    }
    lines.push(`${table} primary key (${primaryKey.join(', ')})`);
    for (const index of await db.query<{ name: string; unique: number; origin: string }[]>(
      `PRAGMA index_list(${table})`,
    )) {
      if (index.origin === 'pk') continue;
      const cols = (await db.query<{ name: string }[]>(`PRAGMA index_info(${index.name})`)).map(
        (c) => c.name,
      );
      lines.push(
        index.origin === 'u'
          ? `${table} unique (${cols.join(', ')})`
          : `${table} ${index.unique ? 'unique ' : ''}index ${index.name} (${cols.join(', ')})`,
      );
    }
    for (const key of await db.query<{ table: string; from: string; to: string }[]>(
      `PRAGMA foreign_key_list(${table})`,
    )) {
      lines.push(`${table}.${key.from} references ${key.table} (${key.to})`);
    }
  }
  for (const trigger of await db.query<{ sql: string }[]>(
    "SELECT sql FROM sqlite_master WHERE type = 'trigger'",
  )) {
    const found = /BEFORE (UPDATE|DELETE)(?: OF ([\w, ]+?))? ON (\w+)(?: WHEN (.+?))? BEGIN/s.exec(
      trigger.sql,
    );
    if (!found) throw new Error(`a trigger this test cannot read: ${trigger.sql}`);
    const [, event, columns, table, condition] = found;
    const onceSet =
      condition === undefined ? undefined : /^OLD\.(\w+) IS NOT NULL$/.exec(condition)?.[1];
    // Training mode: a delete allowed only in a database whose trial rows all say training.
    const outsideTraining =
      condition !== undefined && /FROM trials WHERE NOT training/.test(condition);
    // Key rotation: a sealed column re-sealed only inside the `key rotate` transaction.
    const outsideRotation =
      condition !== undefined &&
      /^NOT EXISTS \(SELECT 1 FROM key_rotation_in_progress\)$/.test(condition);
    if (condition !== undefined && !onceSet && !outsideTraining && !outsideRotation) {
      throw new Error(`a trigger condition this test cannot read: ${trigger.sql}`);
    }
    lines.push(
      refusal(
        table,
        event,
        columns?.split(',').map((c) => c.trim()),
        onceSet,
        outsideTraining,
        outsideRotation,
      ),
    );
  }
  return lines.sort();
}

function refusal(
  table: string,
  event: string,
  columns?: string[],
  onceSet?: string,
  outsideTraining = false,
  outsideRotation = false,
): string {
  const of = columns && columns.length > 0 ? ` of ${[...columns].sort().join(', ')}` : '';
  return `${table} refuses ${event.toLowerCase()}${of}${onceSet ? ` once ${onceSet} is set` : ''}${outsideTraining ? ' outside training' : ''}${outsideRotation ? ' unless a key rotation is in progress' : ''}`;
}

function postgresType(column: {
  data_type: string;
  character_maximum_length: number | null;
}): string {
  if (column.data_type === 'character varying')
    return `varchar(${column.character_maximum_length})`;
  return column.data_type;
}

async function postgresSchema(db: DataSource): Promise<Schema> {
  const lines: string[] = [];
  const columns = await db.query<
    {
      table_name: string;
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      is_nullable: 'YES' | 'NO';
      column_default: string | null;
      is_identity: 'YES' | 'NO';
    }[]
  >(
    "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default, is_identity FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
  );
  for (const column of columns) {
    if (NOT_OURS.has(column.table_name)) continue;
    lines.push(
      `${column.table_name}.${column.column_name} ${postgresType(column)}${column.is_nullable === 'NO' ? ' not null' : ''}${column.column_default === null ? '' : ` default ${column.column_default}`}${column.is_identity === 'YES' ? ' generated' : ''}`,
    );
  }
  const indexes = await db.query<
    {
      table: string;
      name: string;
      unique: boolean;
      primary: boolean;
      constraint: string | null;
      columns: string;
    }[]
  >(`
    SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
           c.contype AS constraint,
           (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = 'public'
    LEFT JOIN pg_constraint c ON c.conindid = ix.indexrelid AND c.contype IN ('u', 'p')`);
  for (const index of indexes) {
    if (NOT_OURS.has(index.table)) continue;
    if (index.primary) lines.push(`${index.table} primary key (${index.columns})`);
    else if (index.constraint === 'u') lines.push(`${index.table} unique (${index.columns})`);
    else
      lines.push(
        `${index.table} ${index.unique ? 'unique ' : ''}index ${index.name} (${index.columns})`,
      );
  }
  const keys = await db.query<{ table: string; column: string; target: string; to: string }[]>(`
    SELECT t.relname AS table, a.attname AS column, r.relname AS target, ra.attname AS to
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_class r ON r.oid = c.confrelid
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
    WHERE c.contype = 'f'`);
  for (const key of keys)
    lines.push(`${key.table}.${key.column} references ${key.target} (${key.to})`);
  const triggers = await db.query<{ table: string; type: number; source: string }[]>(`
    SELECT t.relname AS table, tg.tgtype AS type, p.prosrc AS source
    FROM pg_trigger tg
    JOIN pg_class t ON t.oid = tg.tgrelid
    JOIN pg_proc p ON p.oid = tg.tgfoid
    WHERE NOT tg.tgisinternal`);
  for (const trigger of triggers) {
    // tgtype bits: 1 ROW, 2 BEFORE, 8 DELETE, 16 UPDATE, 32 TRUNCATE (pg_trigger.h).
    if ((trigger.type & 2) === 0) throw new Error(`an AFTER trigger on ${trigger.table}`);
    if (trigger.type & 32) {
      // TruncateGuards1764000010500: a statement trigger that refuses TRUNCATE, unconditionally.
      if (trigger.type !== (2 | 32) || /\bIF\b/.test(trigger.source)) {
        throw new Error(`a TRUNCATE trigger this test cannot read on ${trigger.table}`);
      }
      lines.push(`${trigger.table} refuses truncate`);
      continue;
    }
    const changed = [...trigger.source.matchAll(/NEW\.(\w+) IS DISTINCT FROM OLD\.\1/g)].map(
      (m) => m[1],
    );
    const onceSet = /OLD\.(\w+) IS NOT NULL/.exec(trigger.source)?.[1];
    const unconditional = !/\bIF\b/.test(trigger.source);
    const deleteRefused = unconditional || /TG_OP = 'DELETE'/.test(trigger.source);
    const outsideRotation = /NOT EXISTS \(SELECT 1 FROM key_rotation_in_progress\)/.test(
      trigger.source,
    );
    if (trigger.type & 16)
      lines.push(refusal(trigger.table, 'UPDATE', changed, onceSet, false, outsideRotation));
    const outsideTraining = /FROM trials WHERE NOT training/.test(trigger.source);
    if (trigger.type & 8 && deleteRefused)
      lines.push(refusal(trigger.table, 'DELETE', undefined, undefined, outsideTraining));
  }
  return lines.sort();
}

describeOnPostgres('The schema on SQLite and on PostgreSQL', () => {
  let dir: string;
  let sqlite: DataSource;
  let postgres: DataSource;

  beforeAll(async () => {
    dir = newTempDir('schema-');
    sqlite = new DataSource(sqliteDataSourceOptions(join(dir, 'schema.sqlite')));
    const cluster = await sharedPostgresCluster();
    postgres = new DataSource(
      postgresDataSourceOptions(postgresConfigOf(await cluster.createDatabase(), 2)),
    );
    await Promise.all([sqlite.initialize(), postgres.initialize()]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.destroy(), postgres?.destroy()]);
    await stopSharedPostgresCluster();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has run the same migrations on both, and never synchronize', async () => {
    const names = (db: DataSource) =>
      db
        .query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id')
        .then((rows) => rows.map((row) => row.name));
    for (const db of [sqlite, postgres]) {
      expect(db.options).toMatchObject({ synchronize: false, migrationsRun: true });
    }
    const onSqlite = await names(sqlite);
    expect(onSqlite.length).toBeGreaterThan(0);
    expect(await names(postgres)).toEqual(onSqlite);
  });

  it('has the same tables, columns, types, keys, indexes and triggers on both', async () => {
    const [onSqlite, onPostgres] = await Promise.all([
      sqliteSchema(sqlite),
      postgresSchema(postgres),
    ]);
    // The triggers that guard the trial's record are part of what is compared.
    expect(onSqlite).toEqual(
      expect.arrayContaining([
        'audit_entries refuses update',
        'audit_entries refuses delete',
        'slots refuses update of list_id, slot, stratum',
        'slots refuses update of target_sealed unless a key rotation is in progress',
        'randomization_lists refuses update unless a key rotation is in progress',
        'slots refuses update of allocated_at, participant_id once participant_id is set',
      ]),
    );
    // The one expected difference: TRUNCATE exists on PostgreSQL only, and fires no row trigger,
    // so there every table that refuses DELETE (always or outside training) refuses TRUNCATE too,
    // always. SQLite has no TRUNCATE; its DELETE without WHERE fires the delete triggers compared
    // above.
    const truncateRefused = onPostgres.filter((line) => line.endsWith(' refuses truncate'));
    const deleteRefused = onPostgres
      .filter((line) => / refuses delete( outside training)?$/.test(line))
      .map((line) => line.replace(/ refuses delete.*$/, ' refuses truncate'));
    expect(truncateRefused).toEqual([...deleteRefused].sort());
    expect(truncateRefused).toEqual(
      expect.arrayContaining(['audit_entries refuses truncate', 'slots refuses truncate']),
    );
    expect(onSqlite.filter((line) => line.endsWith(' refuses truncate'))).toEqual([]);
    expect(onPostgres.filter((line) => !truncateRefused.includes(line))).toEqual(onSqlite);
  });

  it.each(['sqlite', 'postgres'] as const)(
    'on %s, the triggers refuse changing the audit log, the list and a slot, and a second claim of a slot',
    async (kind) => {
      const db = kind === 'sqlite' ? sqlite : postgres;
      const refused = /append-only|cannot change/;
      await db.query(
        "INSERT INTO trials (protocol_id, definition_hash, created_at) VALUES ('T-1', 'h', 't')",
      );
      await db.query(
        'INSERT INTO randomization_lists (id, protocol_id, method, commitment, seed_sealed, ' +
          "nonce_sealed, definition_hash, generated_at, generated_by) VALUES (1, 'T-1', 'm', 'c', 's', 'n', 'h', 't', 'u')",
      );
      await db.query(
        "INSERT INTO slots (list_id, stratum, slot, target_sealed) VALUES (1, 'all', 1, 'sealed')",
      );
      await db.query(
        'INSERT INTO audit_entries (seq, at, actor, roles, action, outcome, details, prev_hash, hash) ' +
          "VALUES (1, 't', 'a', '[]', 'X', 'SUCCESS', '{}', '0', 'h')",
      );
      await expect(db.query("UPDATE audit_entries SET actor = 'mallory'")).rejects.toThrow(refused);
      await expect(db.query('DELETE FROM audit_entries')).rejects.toThrow(refused);
      await expect(db.query("UPDATE randomization_lists SET commitment = 'd'")).rejects.toThrow(
        refused,
      );
      await expect(db.query("UPDATE slots SET target_sealed = 'other'")).rejects.toThrow(refused);
      await expect(db.query('UPDATE slots SET slot = 2')).rejects.toThrow(refused);
      await db.query("UPDATE slots SET participant_id = 'P-1', allocated_at = 't1'");
      await expect(db.query("UPDATE slots SET participant_id = 'P-2'")).rejects.toThrow(refused);
      await expect(db.query("UPDATE slots SET allocated_at = 't2'")).rejects.toThrow(refused);
      await expect(db.query('DELETE FROM slots')).rejects.toThrow(refused);
      const [slot] = await db.query<{ participant_id: string; target_sealed: string }[]>(
        'SELECT participant_id, target_sealed FROM slots',
      );
      expect(slot).toEqual({ participant_id: 'P-1', target_sealed: 'sealed' });
    },
  );

  it.each(['sqlite', 'postgres'] as const)(
    'on %s, only a transaction holding the key rotation row may re-seal, and only the sealed columns',
    async (kind) => {
      const db = kind === 'sqlite' ? sqlite : postgres;
      const refused = /append-only|cannot change/;
      const runner = db.createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query(
          "INSERT INTO key_rotation_in_progress (id, from_version, to_version, started_at) VALUES (1, 1, 2, 't')",
        );
        await runner.query("UPDATE slots SET target_sealed = 'resealed'");
        await runner.query(
          "UPDATE randomization_lists SET seed_sealed = 's2', nonce_sealed = 'n2'",
        );
        await expect(runner.query('UPDATE slots SET slot = 3')).rejects.toThrow(refused);
        if (kind === 'postgres') {
          // A failed statement aborts a PostgreSQL transaction: the rest runs in a fresh one.
          await runner.rollbackTransaction();
          await runner.startTransaction();
          await runner.query(
            "INSERT INTO key_rotation_in_progress (id, from_version, to_version, started_at) VALUES (1, 1, 2, 't')",
          );
        }
        await expect(
          runner.query("UPDATE randomization_lists SET commitment = 'other'"),
        ).rejects.toThrow(refused);
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      // Rolled back with its row: the values are the sealed ones and nothing may change again.
      expect(await db.query('SELECT COUNT(*) AS n FROM key_rotation_in_progress')).toEqual([
        { n: kind === 'sqlite' ? 0 : '0' },
      ]);
      await expect(db.query("UPDATE slots SET target_sealed = 'x'")).rejects.toThrow(refused);
      await expect(db.query("UPDATE randomization_lists SET seed_sealed = 'x'")).rejects.toThrow(
        refused,
      );
      await expect(
        db.query(
          "INSERT INTO key_rotation_in_progress (id, from_version, to_version, started_at) VALUES (2, 1, 2, 't')",
        ),
      ).rejects.toThrow();
    },
  );
  it('on postgres, TRUNCATE (with CASCADE, RESTART IDENTITY or both) is refused on every table that refuses DELETE, and no row goes', async () => {
    // A database of its own, so that every guarded table holds a row whatever ran before.
    const cluster = await sharedPostgresCluster();
    const db = new DataSource(
      postgresDataSourceOptions(postgresConfigOf(await cluster.createDatabase(), 2)),
    );
    await db.initialize();
    try {
      await insertIntoEveryGuardedTable(db);
      const guarded = (await postgresSchema(db))
        .filter((line) => / refuses delete/.test(line))
        .map((line) => line.split(' ')[0]);
      expect([...guarded].sort()).toEqual([
        'audit_entries',
        'blinding_guesses',
        'downtime_envelopes',
        'randomization_lists',
        'slots',
        'trials',
        'unblinding_reviews',
      ]);
      const rowsOf = async () => {
        const rows: Record<string, unknown[]> = {};
        for (const table of guarded) {
          rows[table] = await db.query(`SELECT * FROM ${table} ORDER BY 1`);
          expect(rows[table].length).toBeGreaterThan(0);
        }
        return rows;
      };
      const before = await rowsOf();
      const byTrigger = /rows are append-only: TRUNCATE is refused/;
      // Without CASCADE, a table another one references is refused by PostgreSQL before any
      // trigger runs; CASCADE reaches the triggers, its own table's or a referencing one's.
      const referenced = new Set(
        (
          await db.query<{ name: string }[]>(
            "SELECT DISTINCT confrelid::regclass::text AS name FROM pg_constraint WHERE contype = 'f'",
          )
        ).map((row) => row.name),
      );
      for (const table of guarded) {
        for (const options of ['', ' RESTART IDENTITY']) {
          await expect(db.query(`TRUNCATE ${table}${options}`)).rejects.toThrow(
            referenced.has(table)
              ? /cannot truncate a table referenced in a foreign key/
              : byTrigger,
          );
          await expect(db.query(`TRUNCATE TABLE ${table}${options} CASCADE`)).rejects.toThrow(
            byTrigger,
          );
        }
      }
      // Every guarded table at once, and a table no trigger guards whose CASCADE would empty some.
      await expect(db.query(`TRUNCATE ${guarded.join(', ')} CASCADE`)).rejects.toThrow(byTrigger);
      await expect(db.query('TRUNCATE participants CASCADE')).rejects.toThrow(byTrigger);
      expect(await rowsOf()).toEqual(before);
    } finally {
      await db.destroy();
    }
  });

  it('on postgres, the truncate guards migration goes down (every truncate trigger and function dropped) and up again', async () => {
    const cluster = await sharedPostgresCluster();
    const db = new DataSource(
      postgresDataSourceOptions(postgresConfigOf(await cluster.createDatabase(), 2)),
    );
    await db.initialize();
    const runner = db.createQueryRunner();
    const truncateGuards = () =>
      db
        .query<{ name: string }[]>(
          `SELECT tgname AS name FROM pg_trigger WHERE tgtype & 32 <> 0 UNION ALL
           SELECT proname FROM pg_proc WHERE proname LIKE 'refuse\\_%\\_truncate' ORDER BY name`,
        )
        .then((rows) => rows.map((row) => row.name));
    const refused = /audit_entries rows are append-only: TRUNCATE is refused/;
    try {
      const guards = await truncateGuards();
      expect(guards).toHaveLength(2 * 7); // a trigger and a function for each guarded table
      await expect(db.query('TRUNCATE audit_entries')).rejects.toThrow(refused);
      await new TruncateGuards1764000010500().down(runner);
      expect(await truncateGuards()).toEqual([]);
      await db.query('TRUNCATE audit_entries'); // the gap the migration closes
      await new TruncateGuards1764000010500().up(runner);
      expect(await truncateGuards()).toEqual(guards);
      await expect(db.query('TRUNCATE audit_entries')).rejects.toThrow(refused);
    } finally {
      await runner.release();
      await db.destroy();
    }
  });
});

/** One row in each table the triggers refuse DELETE on, and the rows they reference. */
async function insertIntoEveryGuardedTable(db: DataSource): Promise<void> {
  await db.query(
    "INSERT INTO trials (protocol_id, definition_hash, created_at) VALUES ('T-1', 'h', 't')",
  );
  await db.query(
    'INSERT INTO randomization_lists (id, protocol_id, method, commitment, seed_sealed, ' +
      "nonce_sealed, definition_hash, generated_at, generated_by) VALUES (1, 'T-1', 'm', 'c', 's', 'n', 'h', 't', 'u')",
  );
  await db.query(
    "INSERT INTO slots (list_id, stratum, slot, target_sealed) VALUES (1, 'all', 1, 'sealed'), (1, 'all', 2, 'sealed')",
  );
  await db.query(
    'INSERT INTO audit_entries (seq, at, actor, roles, action, outcome, details, prev_hash, hash) ' +
      "VALUES (1, 't', 'a', '[]', 'X', 'SUCCESS', '{}', '0', 'h')",
  );
  await db.query(
    'INSERT INTO participants (participant_id, number, screening_number, age, stratum, eligibility, ' +
      "registered_at, registered_by) VALUES ('P-1', 1, 'S-1', 40, 'all', '{}', 't', 'u')",
  );
  await db.query(
    'INSERT INTO unblinding_reviews (participant_id, decision, comment, reviewed_by, reviewed_at) ' +
      "VALUES ('P-1', 'APPROVED', 'c', 'u', 't')",
  );
  await db.query(
    'INSERT INTO downtime_envelopes (number, list_id, slot_id, stratum, issued_at, issued_by) ' +
      "SELECT 1, 1, id, 'all', 't', 'u' FROM slots WHERE slot = 2",
  );
  await db.query(
    'INSERT INTO blinding_guesses (participant_id, guesser_group, guesser, guess, recorded_at, recorded_by) ' +
      "VALUES ('P-1', 'participant', 'P-1', 'DONT_KNOW', 't', 'u')",
  );
}
