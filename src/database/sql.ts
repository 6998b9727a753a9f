import { PoolClient, Query } from 'pg';
import { EntityManager, ObjectLiteral, QueryFailedError } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { DateUtils } from 'typeorm/util/DateUtils';

/**
 * Plain SQL with named parameters (`:name`, `:...list`), for the hot paths where TypeORM's query
 * building costs more than the query. The names become the driver's placeholders, so the same
 * text serves SQLite and PostgreSQL, and one text is one prepared statement, reused from the
 * driver's cache.
 *
 * On SQLite the names are bound here, not by TypeORM's driver: that one writes a number into the
 * text itself (`WHERE id = 2996`), so every slot claim was a statement of its own, prepared anew,
 * and each pushed a statement in use out of the driver's cache of 100 (first in, first out).
 */
function bind(
  manager: EntityManager,
  text: string,
  parameters: ObjectLiteral,
): [string, unknown[]] {
  const driver = manager.connection.driver;
  if (driver.options.type !== 'better-sqlite3') {
    return driver.escapeQueryWithParameters(text, parameters);
  }
  return bindForSqlite(text, parameters);
}

/** `:name` becomes `?` and `:...list` one `?` per element, every value bound, in order. */
export function bindForSqlite(text: string, parameters: ObjectLiteral): [string, unknown[]] {
  const values: unknown[] = [];
  const sql = text.replace(
    /:(\.\.\.)?([A-Za-z0-9_.]+)/g,
    (name: string, spread: string | undefined, key: string) => {
      if (!Object.prototype.hasOwnProperty.call(parameters, key)) return name;
      const value: unknown = parameters[key];
      if (spread === undefined) {
        values.push(sqliteValue(value));
        return '?';
      }
      if (!Array.isArray(value)) throw new Error(`:...${key} needs an array`);
      for (const element of value) values.push(sqliteValue(element));
      return value.map(() => '?').join(', ');
    },
  );
  return [sql, values];
}

/**
 * As TypeORM's SQLite driver stores them: a boolean as 1 or 0, a Date as its UTC text, and a
 * whole number as an INTEGER, as the literal it wrote was (better-sqlite3 binds every JavaScript
 * number as a REAL, and a BigInt as an INTEGER).
 */
function sqliteValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (value instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(value);
  return value;
}

export function selectRows<T>(
  manager: EntityManager,
  text: string,
  parameters: ObjectLiteral = {},
): Promise<T[]> {
  const [sql, values] = bind(manager, text, parameters);
  return manager.query<T[]>(sql, values);
}

export async function selectRow<T>(
  manager: EntityManager,
  text: string,
  parameters: ObjectLiteral = {},
): Promise<T | undefined> {
  return (await selectRows<T>(manager, text, parameters))[0];
}

/** Runs an INSERT, UPDATE or DELETE in the manager's transaction; returns the rows it changed. */
export async function execute(
  manager: EntityManager,
  text: string,
  parameters: ObjectLiteral = {},
): Promise<number> {
  if (!manager.queryRunner) throw new Error('execute() needs a unit of work (a query runner)');
  const [sql, values] = bind(manager, text, parameters);
  const result = await manager.queryRunner.query(sql, values, true);
  return result.affected ?? 0;
}

/**
 * Runs a SELECT and hands each row to `onRow` as it arrives; resolves with the number of rows.
 *
 * On PostgreSQL the rows are not gathered into an array first. The pg driver builds a result
 * from many socket reads, and rows held over that time outlive the young generation's
 * collections and are promoted to the old one: reading the whole audit log that way grew a
 * server by about 150 MiB of garbage before a full collection (docs/performance.md, "Export
 * memory on PostgreSQL"), where taking each row as it is parsed leaves nothing to promote.
 * SQLite reads synchronously, all rows at once, so there the array costs nothing.
 *
 * An error thrown by `onRow` stops the handing out (the rest of the result is read and dropped,
 * so the connection stays usable) and rejects the promise, as a failed query would.
 */
export async function forEachRow<T>(
  manager: EntityManager,
  text: string,
  parameters: ObjectLiteral,
  onRow: (row: T) => void,
): Promise<number> {
  const [sql, values] = bind(manager, text, parameters);
  const runner = manager.queryRunner;
  if (!(runner instanceof PostgresQueryRunner)) {
    const rows = await manager.query<T[]>(sql, values);
    for (const row of rows) onRow(row);
    return rows.length;
  }
  const client = (await runner.connect()) as PoolClient;
  return new Promise<number>((resolve, reject) => {
    let count = 0;
    let failure: Error | undefined;
    const query = new Query(sql, values);
    query.on('row', (row: T) => {
      if (failure !== undefined) return;
      try {
        onRow(row);
        count += 1;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    });
    query.on('error', (error: Error) =>
      reject(failure ?? new QueryFailedError(sql, values, error)),
    );
    query.on('end', () => (failure === undefined ? resolve(count) : reject(failure)));
    void client.query(query);
  });
}
