import { join } from 'node:path';
import { startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

/**
 * Two servers on one database (two processes behind a load balancer, here two apps in one test
 * process) enforce one sign-in window per account: failures at either count at both, so N
 * servers do not give an attacker N times the attempts. Runs on SQLite and, in the e2e-postgres
 * project, on PostgreSQL.
 */
describe('Sign-in throttling shared by the servers of one database (end to end)', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5' });
    const { config } = first;
    if (config.blindingKey.kind !== 'inline' || config.jwtSecret.kind !== 'inline')
      throw new Error('tests run with inline keys');
    // The second server: the same database and keys, its own data directory.
    second = await startTestApp({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
      BLINDING_KEY: config.blindingKey.value,
      JWT_SECRET: config.jwtSecret.value,
      AUDIT_SIGNING_KEY_FILE: join(first.dataDir, 'audit-signing.pem'),
      ...(config.postgres
        ? { DATABASE_URL: config.postgres.url }
        : { DATABASE_PATH: config.databasePath }),
    });
    await first.userWith('alice', ['monitor']);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const signIn = (t: TestApp, password: string) =>
    t.http().post('/api/auth/login').send({ username: 'alice', password });

  it('counts failures at either server against the one limit of the account', async () => {
    for (const t of [first, first, first, second, second]) {
      await signIn(t, 'not-the-password-1').expect(401);
    }
    // Five failures in all: the right password is refused at both servers now.
    for (const t of [first, second]) {
      const refused = await signIn(t, USER_PASSWORD).expect(429);
      expect(refused.body).toMatchObject({ code: 'THROTTLED' });
    }
  });
});
