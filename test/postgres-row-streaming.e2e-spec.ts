import { QueryFailedError, DataSource, QueryRunner } from 'typeorm';
import { forEachRow } from '../src/database/sql';
import {
  describeOnPostgres,
  PostgresCluster,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';

/**
 * forEachRow on PostgreSQL (src/database/sql.ts): rows reach the caller as the driver parses
 * them, never gathered into one array first, which kept a whole batch alive over many socket
 * reads and grew an export of the audit log by about 150 MiB (docs/performance.md, "Export
 * memory on PostgreSQL"). Ordering, not timing: the event loop must get a turn while the rows
 * of one large result are still being handed out.
 */

/** Rows of about 800 bytes: some 20 MB, far more than one socket read or buffer holds. */
const ROWS = 25_000;
const SERIES = "SELECT g AS n, repeat('x', 800) AS pad FROM generate_series(1, :count) AS g";

describeOnPostgres('forEachRow on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let dataSource: DataSource;
  let runner: QueryRunner;

  beforeAll(async () => {
    cluster = await sharedPostgresCluster();
    dataSource = new DataSource({ type: 'postgres', url: await cluster.createDatabase() });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await stopSharedPostgresCluster();
  });

  beforeEach(async () => {
    runner = dataSource.createQueryRunner();
    await runner.startTransaction('REPEATABLE READ');
  });

  afterEach(async () => {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  });

  it('hands rows out as they arrive: the event loop turns before the last one', async () => {
    let handed = 0;
    let handedAtFirstTurn: number | undefined;
    const count = await forEachRow<{ n: number }>(
      runner.manager,
      SERIES,
      { count: ROWS },
      (row) => {
        handed += 1;
        expect(row.n).toBe(handed);
        if (handed === 1) setImmediate(() => (handedAtFirstTurn = handed));
      },
    );
    expect(count).toBe(ROWS);
    // Gathered first, every row would be handed out in one synchronous loop after the result.
    expect(handedAtFirstTurn).toBeDefined();
    expect(handedAtFirstTurn).toBeLessThan(ROWS);
  });

  it('rejects with the error a row handler throws, and the transaction goes on', async () => {
    const refusal = new Error('row 10 refused');
    let handed = 0;
    await expect(
      forEachRow(runner.manager, SERIES, { count: 1000 }, () => {
        handed += 1;
        if (handed === 10) throw refusal;
      }),
    ).rejects.toBe(refusal);
    // Nothing is handed out after the error, and the connection is not left mid-result.
    expect(handed).toBe(10);
    await expect(runner.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('rejects a failing statement as a QueryFailedError with the server code', async () => {
    const failure = forEachRow(
      runner.manager,
      'SELECT 1 / (g - 3) FROM generate_series(1, 5) g',
      {},
      () => undefined,
    );
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toMatchObject({ driverError: { code: '22012' } });
  });
});
