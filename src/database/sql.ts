import { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * Plain SQL with named parameters (`:name`, `:...list`), for the hot paths where TypeORM's query
 * building costs more than the query. The driver of the data source turns the names into its own
 * placeholders, so the same text serves SQLite and PostgreSQL, and one text is one prepared
 * statement, reused from the driver's cache.
 */
function bind(
  manager: EntityManager,
  text: string,
  parameters: ObjectLiteral,
): [string, unknown[]] {
  return manager.connection.driver.escapeQueryWithParameters(text, parameters);
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
