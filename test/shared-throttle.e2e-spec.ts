import { join } from 'node:path';
import { startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

/**
 * Two servers on one database (two processes behind a load balancer, here two apps in one test
 * process) enforce one sign-in window per account, and one for signatures: failures at either
 * count at both, so N servers do not give an attacker N times the attempts. Runs on SQLite and, in the e2e-postgres
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

  it('counts failed signatures (the password re-entered to unblind) at either server against one limit', async () => {
    const atFirst = await first.userWith('bob', ['unblinder']);
    const atSecond = await second.login('bob');
    const sign = (t: TestApp, token: string, password: string) =>
      t
        .http()
        .post('/api/participants/ELA-001/unblinding')
        .set('Authorization', token)
        .send({ reason: 'Severe adverse event: the treating physician must know', password });
    // The signature is checked before the participant is looked for: no list is needed here.
    for (const [t, token] of [
      [first, atFirst],
      [first, atFirst],
      [first, atFirst],
      [second, atSecond],
      [second, atSecond],
    ] as const) {
      const failed = await sign(t, token, 'not-the-password-2').expect(401);
      expect(failed.body).toMatchObject({ code: 'SIGNATURE_FAILED' });
    }
    // Five failures in all, three here and two there: the right password is refused at both.
    for (const [t, token] of [
      [first, atFirst],
      [second, atSecond],
    ] as const) {
      const refused = await sign(t, token, USER_PASSWORD).expect(429);
      expect(refused.body).toMatchObject({
        code: 'THROTTLED',
        message: expect.stringMatching(/Another unblinder can act now/) as string,
      });
    }
  });
});
