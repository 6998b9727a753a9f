import { rmSync } from 'node:fs';
import { createApp } from '../src/app.factory';
import { loadAppConfig } from '../src/config/app-config';
import {
  describeOnPostgres,
  PostgresCluster,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';
import { freePort } from './support/server-process';
import { newTempDir, startTestApp, testEnv } from './support/test-app';

/** The start's refusal, or a failure of the test when the server started. */
async function startRefusal(env: Record<string, string>): Promise<string> {
  const dataDir = newTempDir();
  try {
    const app = await createApp(loadAppConfig(testEnv(dataDir, env)));
    await app.close();
  } catch (error) {
    return (error as Error).message;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  throw new Error('the server started');
}

describe('Start-up on PostgreSQL (DATABASE_URL)', () => {
  it('stops when nothing answers at the host, naming DATABASE_URL and the host, never the password', async () => {
    const port = await freePort();
    const message = await startRefusal({
      DATABASE_URL: `postgres://trial:never-shown-pw@127.0.0.1:${port}/trial`,
    });
    expect(message).toMatch(
      new RegExp(
        `^DATABASE_URL: cannot connect to the PostgreSQL server at 127\\.0\\.0\\.1:${port} \\(database "trial", user "trial"\\): .*ECONNREFUSED`,
      ),
    );
    expect(message).not.toContain('never-shown-pw');
  });

  it('stops when the host name does not resolve, naming it', async () => {
    const message = await startRefusal({
      DATABASE_URL: 'postgres://trial:never-shown-pw@db.invalid:5432/trial',
    });
    expect(message).toMatch(
      /^DATABASE_URL: cannot connect to the PostgreSQL server at db\.invalid:5432/,
    );
    expect(message).not.toContain('never-shown-pw');
  });
});

describeOnPostgres('Start-up on a PostgreSQL server', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await sharedPostgresCluster();
  });
  afterAll(() => stopSharedPostgresCluster());

  it('runs the migrations, sets up the trial and serves', async () => {
    const t = await startTestApp({}, { database: 'postgres' });
    try {
      expect(t.config.postgres).toBeDefined();
      await t.http().get('/api/health').expect(200);
      expect(await t.database.count('trials')).toBe(1);
      expect(await t.database.count('users')).toBe(1);
      const entries = await t.database.auditEntries();
      expect(entries.map((entry) => entry.action)).toEqual(['SYSTEM_INITIALIZED', 'USER_CREATED']);
      expect((await t.database.verifyAudit()).valid).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('refuses a wrong password without showing either password', async () => {
    const url = await cluster.createDatabase();
    const wrong = url.replace(`:${cluster.password}@`, ':wrong-password-xyz@');
    const message = await startRefusal({ DATABASE_URL: wrong });
    expect(message).toMatch(
      /^DATABASE_URL: cannot connect to the PostgreSQL server at 127\.0\.0\.1:\d+ .*password authentication failed/,
    );
    expect(message).not.toContain('wrong-password-xyz');
    expect(message).not.toContain(cluster.password);
  });

  it('refuses a database that does not exist, naming it', async () => {
    const message = await startRefusal({ DATABASE_URL: cluster.url('no_such_database') });
    expect(message).toMatch(/database "no_such_database" does not exist/);
    expect(message).not.toContain(cluster.password);
  });

  it('refuses an empty database where DATA_DIR records a trial, before creating anything in it', async () => {
    const first = await startTestApp({}, { database: 'postgres' });
    const dataDir = first.dataDir;
    await first.app.close();
    const empty = await cluster.createDatabase();
    try {
      await expect(
        createApp(loadAppConfig(testEnv(dataDir, { DATABASE_URL: empty }))),
      ).rejects.toThrow(/has no schema, but .*installation\.json records that trial NCT02286011/);
      const client = await cluster.connect(empty);
      try {
        const tables = await client.query(
          "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'",
        );
        expect(Number(tables.rows[0].n)).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
