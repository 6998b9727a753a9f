import { rmSync } from 'node:fs';
import { loadAppConfig } from '../src/config/app-config';
import { rowLock } from '../src/database/postgres-locks';
import { execute, selectRows } from '../src/database/sql';
import { UnitOfWork } from '../src/database/unit-of-work';
import { call, login } from './support/http-client';
import { startServerProcess } from './support/server-process';
import {
  ADMIN_PASSWORD,
  newTempDir,
  startTestApp,
  testDatabaseEnv,
  testEnv,
} from './support/test-app';
import { TestDatabase, testDatabaseOf } from './support/test-database';

const CONCURRENT = 100;

async function expectConsistentLog(database: TestDatabase, expectedUsers: number): Promise<void> {
  expect(await database.verifyAudit()).toMatchObject({ valid: true });
  const entries = await database.auditEntries();
  const seqs = entries.map((e) => e.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(entries.filter((e) => e.action === 'USER_CREATED')).toHaveLength(expectedUsers);
  expect(await database.count('users')).toBe(expectedUsers);
}

describe(UnitOfWork.name, () => {
  // SQLite: the process's queue runs them one at a time. PostgreSQL runs them concurrently, each
  // in a transaction of its own: the row lock on what is read is held until COMMIT.
  it('serialises concurrent read-then-write units of work within one process', async () => {
    const t = await startTestApp();
    try {
      const uow = t.app.get(UnitOfWork);
      await uow.write((m) =>
        m.query('CREATE TABLE counter_test (id integer PRIMARY KEY, n integer NOT NULL)'),
      );
      await uow.write((m) => m.query('INSERT INTO counter_test (id, n) VALUES (1, 0)'));
      const seen = await Promise.all(
        Array.from({ length: CONCURRENT }, () =>
          uow.write(async (m) => {
            const [row] = await selectRows<{ n: number }>(
              m,
              `SELECT n FROM counter_test WHERE id = 1${rowLock(m, 'FOR UPDATE')}`,
            );
            // Yield to the event loop between the read and the write, as real services do.
            await new Promise((resolve) => setImmediate(resolve));
            await execute(m, 'UPDATE counter_test SET n = :n WHERE id = 1', { n: row.n + 1 });
            return row.n;
          }),
        ),
      );
      expect(new Set(seen).size).toBe(CONCURRENT);
      const [final] = await uow.read((m) => m.query<{ n: number }[]>('SELECT n FROM counter_test'));
      expect(final.n).toBe(CONCURRENT);
    } finally {
      await t.close();
    }
  });

  it('rolls back a failed unit of work entirely and keeps serving the next ones', async () => {
    const t = await startTestApp();
    try {
      const uow = t.app.get(UnitOfWork);
      await uow.write((m) => m.query('CREATE TABLE rollback_test (id integer PRIMARY KEY)'));
      await expect(
        uow.write(async (m) => {
          await m.query('INSERT INTO rollback_test (id) VALUES (1)');
          throw new Error('business rule refused');
        }),
      ).rejects.toThrow('business rule refused');
      const rows = await uow.read((m) => m.query<unknown[]>('SELECT * FROM rollback_test'));
      expect(rows).toHaveLength(0);
    } finally {
      await t.close();
    }
  });

  it('gives 100 successes and a gap-free audit chain for 100 concurrent requests to one server', async () => {
    const t = await startTestApp();
    try {
      const admin = await t.login('admin', ADMIN_PASSWORD);
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          t
            .http()
            .post('/api/users')
            .set('Authorization', admin)
            .send({
              username: `one-process-${i}`,
              password: 'concurrency-password',
              roles: ['monitor'],
            }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(CONCURRENT).fill(201));
      await expectConsistentLog(t.database, CONCURRENT + 1);
    } finally {
      await t.close();
    }
  });

  it('gives 100 successes and a gap-free audit chain with two server processes on one database', async () => {
    const dataDir = newTempDir();
    // One SQLite file of the data directory, or one database of the file's PostgreSQL cluster.
    const env = testEnv(dataDir, await testDatabaseEnv({}));
    const database = testDatabaseOf(loadAppConfig(env));
    const first = await startServerProcess(env);
    const second = await startServerProcess(env);
    try {
      const servers = [first.url, second.url];
      const tokens = await Promise.all(servers.map((url) => login(url, 'admin', ADMIN_PASSWORD)));
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          call(servers[i % 2], 'POST', '/api/users', tokens[i % 2], {
            username: `two-process-${i}`,
            password: 'concurrency-password',
            roles: ['monitor'],
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(CONCURRENT).fill(201));
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    try {
      await expectConsistentLog(database, CONCURRENT + 1);
    } finally {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
