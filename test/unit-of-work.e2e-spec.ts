import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { UnitOfWork } from '../src/database/unit-of-work';
import { openDatabaseFile, readAuditEntries, verifyAuditFile } from './support/database-file';
import { call, login } from './support/http-client';
import { startServerProcess } from './support/server-process';
import { ADMIN_PASSWORD, newTempDir, startTestApp, testEnv } from './support/test-app';

const CONCURRENT = 100;

function expectConsistentLog(databasePath: string, expectedUsers: number): void {
  const verification = verifyAuditFile(databasePath);
  expect(verification).toMatchObject({ valid: true });
  const db = openDatabaseFile(databasePath);
  try {
    const entries = readAuditEntries(db);
    const seqs = entries.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(entries.filter((e) => e.action === 'USER_CREATED')).toHaveLength(expectedUsers);
    const users = db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number };
    expect(users.n).toBe(expectedUsers);
  } finally {
    db.close();
  }
}

describe(UnitOfWork.name, () => {
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
            const [row] = await m.query<{ n: number }[]>('SELECT n FROM counter_test WHERE id = 1');
            // Yield to the event loop between the read and the write, as real services do.
            await new Promise((resolve) => setImmediate(resolve));
            await m.query('UPDATE counter_test SET n = ? WHERE id = 1', [row.n + 1]);
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
      expectConsistentLog(t.config.databasePath, CONCURRENT + 1);
    } finally {
      await t.close();
    }
  });

  it('gives 100 successes and a gap-free audit chain with two server processes on one file', async () => {
    const dataDir = newTempDir();
    const env = testEnv(dataDir);
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
    expectConsistentLog(join(dataDir, 'trial.sqlite'), CONCURRENT + 1);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
