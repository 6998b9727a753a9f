import { createHmac } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { SESSION_ABSOLUTE_LIMIT_SECONDS, SESSION_IDLE_LIMIT_SECONDS } from '../src/auth/session';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

interface Claims {
  sub: string;
  ver: number;
  jti: string;
  auth_time: number;
  iat: number;
  exp: number;
}

function claimsOf(authorization: string): Claims {
  const [, payload] = authorization.replace(/^Bearer /, '').split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
}

interface LoginBody {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  user: { username: string; roles: string[] };
}

describe('Sessions: sign-out, refresh and revocation (end to end)', () => {
  let t: TestApp;
  let admin: string;
  let sign: (claims: Claims) => string;
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    if (t.config.jwtSecret.kind !== 'inline')
      throw new Error('tests run with an inline JWT_SECRET');
    const secret = t.config.jwtSecret.value;
    // Tokens with chosen times, signed with the server's own secret, as the server would sign them.
    sign = (claims) => {
      const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
      return `Bearer ${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
    };
  });
  afterAll(() => t?.close());

  const audit = () => t.database.auditEntries();
  const me = (authorization: string) =>
    t.http().get('/api/auth/me').set('Authorization', authorization);
  const refresh = (authorization: string) =>
    t.http().post('/api/auth/refresh').set('Authorization', authorization);
  const logout = (authorization: string) =>
    t.http().post('/api/auth/logout').set('Authorization', authorization);

  /** A token of `username` (token version 0) issued `issuedAgo` s ago in a session begun `startedAgo` s ago. */
  const tokenOf = (username: string, startedAgo: number, issuedAgo: number, lifetime = 900) => {
    const now = nowSeconds();
    return sign({
      sub: username,
      ver: 0,
      jti: `test-${username}-${startedAgo}-${issuedAgo}-${lifetime}`,
      auth_time: now - startedAgo,
      iat: now - issuedAgo,
      exp: now - issuedAgo + lifetime,
    });
  };

  describe('POST /api/auth/logout', () => {
    it('answers 204 and revokes the presented token at once, and only that one', async () => {
      const token = await t.userWith('leaving', ['monitor']);
      const other = await t.login('leaving');
      await me(token).expect(200);
      const response = await logout(token).expect(204);
      expect(response.text).toBe('');
      const refused = await me(token).expect(401);
      expect(refused.body).toMatchObject({ code: 'TOKEN_REVOKED' });
      await refresh(token).expect(401);
      await logout(token).expect(401);
      // Another sign-in of the same user is another session.
      await me(other).expect(200);
      const entry = (await audit()).filter((e) => e.action === 'LOGOUT').pop();
      expect(entry).toMatchObject({ actor: 'leaving', outcome: 'SUCCESS' });
      expect(JSON.stringify(entry)).not.toContain(token.replace(/^Bearer /, ''));
    });

    it('is refused by every server process on the database, not only the one that signed out', async () => {
      const second: NestExpressApplication = await createApp(t.config);
      try {
        const token = await t.userWith('two-servers', ['monitor']);
        const server = second.getHttpServer() as Parameters<typeof request>[0];
        await request(server).get('/api/auth/me').set('Authorization', token).expect(200);
        await logout(token).expect(204);
        await request(server).get('/api/auth/me').set('Authorization', token).expect(401);
      } finally {
        await second.close();
      }
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('answers the sign-in body with a new token of the same session, and revokes the presented one', async () => {
      const token = await t.userWith('refresher', ['monitor', 'investigator']);
      const response = await refresh(token).expect(200);
      const body = response.body as LoginBody;
      expect(body).toEqual({
        accessToken: expect.any(String) as string,
        tokenType: 'Bearer',
        expiresIn: 900,
        user: { username: 'refresher', roles: ['investigator', 'monitor'] },
      });
      const fresh = `Bearer ${body.accessToken}`;
      expect(fresh).not.toBe(token);
      expect(claimsOf(fresh).auth_time).toBe(claimsOf(token).auth_time);
      expect(claimsOf(fresh).jti).not.toBe(claimsOf(token).jti);
      await me(fresh).expect(200);
      // The presented token is spent: a session cannot fork into two.
      expect((await me(token).expect(401)).body).toMatchObject({ code: 'TOKEN_REVOKED' });
      await refresh(token).expect(401);
      expect((await audit()).filter((e) => e.action === 'TOKEN_REFRESHED').pop()).toMatchObject({
        actor: 'refresher',
        outcome: 'SUCCESS',
      });
    });

    it('gives exactly one new token when the same token is refreshed twice at once', async () => {
      const token = await t.userWith('racer', ['monitor']);
      const answers = await Promise.all([refresh(token), refresh(token), refresh(token)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401]);
    });

    it('takes an expired token within the idle limit, which other routes refuse', async () => {
      await t.userWith('idler', ['monitor']);
      // Issued 20 minutes ago with a 15-minute lifetime: expired 5 minutes ago.
      const expired = tokenOf('idler', 20 * 60, 20 * 60);
      expect((await me(expired).expect(401)).body).toMatchObject({ code: 'TOKEN_EXPIRED' });
      const body = (await refresh(expired).expect(200)).body as LoginBody;
      await me(`Bearer ${body.accessToken}`).expect(200);
    });

    it('refuses a session not refreshed within the idle limit', async () => {
      await t.userWith('sleeper', ['monitor']);
      const idle = tokenOf(
        'sleeper',
        SESSION_IDLE_LIMIT_SECONDS + 60,
        SESSION_IDLE_LIMIT_SECONDS + 60,
      );
      const refused = await refresh(idle).expect(401);
      expect(refused.body).toMatchObject({ code: 'SESSION_EXPIRED' });
      expect((refused.body as { message: string }).message).toMatch(/30 minutes/);
      expect((await audit()).filter((e) => e.action === 'ACCESS_DENIED').pop()).toMatchObject({
        reason: 'session idle for more than 30 minutes',
      });
    });

    it('ends every session 12 hours after its sign-in, refreshed or not', async () => {
      await t.userWith('marathon', ['monitor']);
      const old = tokenOf('marathon', SESSION_ABSOLUTE_LIMIT_SECONDS + 1, 60);
      expect((await refresh(old).expect(401)).body).toMatchObject({ code: 'SESSION_EXPIRED' });
      expect((await me(old).expect(401)).body).toMatchObject({ code: 'SESSION_EXPIRED' });
      // Five minutes before the limit, a refresh issues a token that ends with the session.
      const late = tokenOf('marathon', SESSION_ABSOLUTE_LIMIT_SECONDS - 300, 60);
      const body = (await refresh(late).expect(200)).body as LoginBody;
      expect(body.expiresIn).toBeLessThanOrEqual(300);
      expect(body.expiresIn).toBeGreaterThan(200);
      const claims = claimsOf(`Bearer ${body.accessToken}`);
      expect(claims.exp).toBe(claimsOf(late).auth_time + SESSION_ABSOLUTE_LIMIT_SECONDS);
    });

    it('refuses the token of a disabled account, and keeps refusing it once re-enabled', async () => {
      const token = await t.userWith('suspended', ['monitor']);
      for (const active of [false, true]) {
        await t
          .http()
          .patch('/api/users/suspended')
          .set('Authorization', admin)
          .send({ active })
          .expect(200);
      }
      await refresh(token).expect(401);
      await me(token).expect(401);
    });
  });

  describe('revocation by token version', () => {
    afterEach(() => jest.useRealTimers());

    /** Stops the wall clock (Date only: the server's timers and I/O keep running). */
    const freezeClockAt = (at: number) =>
      jest.useFakeTimers({
        now: at,
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'requestAnimationFrame',
          'cancelAnimationFrame',
          'requestIdleCallback',
          'cancelIdleCallback',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      });

    it('refuses a token issued in the very millisecond of a password change', async () => {
      await t.userWith('same-second', ['monitor']);
      freezeClockAt(Date.now());
      const token = await t.login('same-second');
      await t
        .http()
        .patch('/api/users/same-second')
        .set('Authorization', admin)
        .send({ password: 'a-changed-password-now' })
        .expect(200);
      expect((await me(token).expect(401)).body).toMatchObject({ code: 'TOKEN_REVOKED' });
      const fresh = await t.login('same-second', 'a-changed-password-now');
      await me(fresh).expect(200);
    });

    it('accepts a fresh sign-in with the new password after the clock stepped back an hour', async () => {
      await t.userWith('stepped', ['monitor']);
      const changedAt = Date.now();
      freezeClockAt(changedAt);
      await t
        .http()
        .patch('/api/users/stepped')
        .set('Authorization', admin)
        .send({ password: 'the-password-after-a-step' })
        .expect(200);
      jest.setSystemTime(changedAt - 3_600_000);
      const fresh = await t.login('stepped', 'the-password-after-a-step');
      await me(fresh).expect(200);
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'stepped', password: USER_PASSWORD })
        .expect(401);
    });
  });
});
