import { QueryRunner } from 'typeorm';

/**
 * Triggers that make rows append-only, written for SQLite and for its PostgreSQL twin, so the same
 * migrations serve both databases. Names and messages are fixed strings, never user input.
 */
function isPostgres(runner: QueryRunner): boolean {
  return runner.connection.driver.options.type === 'postgres';
}

/** Refuses every UPDATE and DELETE on the table. */
export async function refuseUpdateAndDelete(runner: QueryRunner, table: string): Promise<void> {
  const message = `${table} rows are append-only`;
  if (isPostgres(runner)) {
    await runner.query(`
      CREATE OR REPLACE FUNCTION refuse_${table}_change() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION '${message}'; END; $$ LANGUAGE plpgsql`);
    await runner.query(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}_change()`,
    );
    return;
  }
  await runner.query(
    `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
  await runner.query(
    `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
}

/** Refuses any UPDATE that changes one of these columns, and every DELETE. */
export async function refuseColumnUpdateAndDelete(
  runner: QueryRunner,
  table: string,
  columns: string[],
): Promise<void> {
  const message = `${table}: ${columns.join(', ')} cannot change and rows cannot be deleted`;
  if (isPostgres(runner)) {
    const changed = columns.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ');
    await runner.query(`
      CREATE OR REPLACE FUNCTION refuse_${table}_change() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR ${changed} THEN RAISE EXCEPTION '${message}'; END IF;
        RETURN NEW;
      END; $$ LANGUAGE plpgsql`);
    await runner.query(
      `CREATE TRIGGER ${table}_guard BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}_change()`,
    );
    return;
  }
  await runner.query(
    `CREATE TRIGGER ${table}_no_column_update BEFORE UPDATE OF ${columns.join(', ')} ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
  await runner.query(
    `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
}

/**
 * Refuses any UPDATE of these columns once `setOnce` holds a value: a claimed slot cannot be
 * handed to someone else, an allocation time cannot be rewritten.
 */
export async function refuseChangeOnceSet(
  runner: QueryRunner,
  table: string,
  setOnce: string,
  columns: string[],
): Promise<void> {
  const name = `${table}_${setOnce}_set_once`;
  const message = `${table}: ${columns.join(', ')} cannot change once ${setOnce} is set`;
  if (isPostgres(runner)) {
    const changed = columns.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ');
    await runner.query(`
      CREATE OR REPLACE FUNCTION refuse_${name}() RETURNS trigger AS $$
      BEGIN
        IF OLD.${setOnce} IS NOT NULL AND (${changed}) THEN RAISE EXCEPTION '${message}'; END IF;
        RETURN NEW;
      END; $$ LANGUAGE plpgsql`);
    await runner.query(
      `CREATE TRIGGER ${name} BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${name}()`,
    );
    return;
  }
  await runner.query(
    `CREATE TRIGGER ${name} BEFORE UPDATE OF ${columns.join(', ')} ON ${table} WHEN OLD.${setOnce} IS NOT NULL BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
}

/** A delete is refused unless there is a trial row and every trial row is a training one. */
const SQLITE_NOT_TRAINING =
  '(NOT EXISTS (SELECT 1 FROM trials) OR EXISTS (SELECT 1 FROM trials WHERE NOT training))';
const POSTGRES_TRAINING =
  'EXISTS (SELECT 1 FROM trials) AND NOT EXISTS (SELECT 1 FROM trials WHERE NOT training)';

/**
 * Refuses every UPDATE, and every DELETE except in a practice database (every trial row says
 * training), whose reset clears the table: the rule Training1764000007600 gave the list's rows.
 */
export async function refuseUpdateAndDeleteOutsideTraining(
  runner: QueryRunner,
  table: string,
): Promise<void> {
  const message = `${table} rows are append-only`;
  if (isPostgres(runner)) {
    await runner.query(`
      CREATE OR REPLACE FUNCTION refuse_${table}_change() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND ${POSTGRES_TRAINING} THEN RETURN OLD; END IF;
        RAISE EXCEPTION '${message}';
      END; $$ LANGUAGE plpgsql`);
    await runner.query(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}_change()`,
    );
    return;
  }
  await runner.query(
    `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
  await runner.query(
    `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} WHEN ${SQLITE_NOT_TRAINING} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
}

/**
 * PostgreSQL only: refuses TRUNCATE of the table, which fires no row trigger, so the UPDATE and
 * DELETE guards above would not see it. Always refused, in a practice database too: its reset
 * deletes row by row (the DELETE triggers allow that), nothing in the service truncates. SQLite
 * has no TRUNCATE: its `DELETE FROM t` without WHERE fires the row triggers whenever a table has
 * any, so there is nothing to add there.
 */
export async function refuseTruncate(runner: QueryRunner, table: string): Promise<void> {
  if (!isPostgres(runner)) return;
  await runner.query(`
    CREATE OR REPLACE FUNCTION refuse_${table}_truncate() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '${table} rows are append-only: TRUNCATE is refused'; END; $$ LANGUAGE plpgsql`);
  await runner.query(
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_${table}_truncate()`,
  );
}
