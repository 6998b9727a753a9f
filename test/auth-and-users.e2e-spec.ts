import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';
import { ERROR_CODES } from '../src/common/domain-errors';

describe('Sign-in, users and roles (end to end)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    admin = await t.login('admin', ADMIN_PASSWORD);
  });
  afterAll(() => t?.close());

  const audit = () => t.database.auditEntries();

  it('answers health publicly and gives every response a request id', async () => {
    const response = await t.http().get('/api/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', training: false });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('creates the bootstrap admin, who can sign in and is the only account', async () => {
    const me = await t.http().get('/api/auth/me').set('Authorization', admin).expect(200);
    expect(me.body).toEqual({ username: 'admin', roles: ['admin'] });
    const users = await t.http().get('/api/users').set('Authorization', admin).expect(200);
    expect((users.body as { username: string }[]).map((u) => u.username)).toEqual(['admin']);
  });

  it('returns a bearer token that expires in 15 minutes by default', async () => {
    const response = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    expect(response.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { username: 'admin', roles: ['admin'] },
    });
    const [, payload] = (response.body as { accessToken: string }).accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('gives the same 401 for an unknown user and a wrong password, and audits the tried username only', async () => {
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'nobody', password: 'whatever-password' });
    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: 'wrong-password-1' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'UNAUTHENTICATED',
      message: 'Invalid username or password',
    });
    const failed = (await audit()).filter((e) => e.action === 'LOGIN_FAILED');
    expect(failed.map((e) => e.details.username)).toEqual(
      expect.arrayContaining(['nobody', 'admin']),
    );
    expect(JSON.stringify(failed)).not.toContain('wrong-password-1');
    expect(JSON.stringify(failed)).not.toContain('whatever-password');
  });

  it('throttles an account after repeated failures with 429, even with the right password', async () => {
    await t.userWith('victim', ['monitor']);
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'victim', password: `bad-password-${i}` })
        .expect(401);
    }
    const throttled = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'victim', password: USER_PASSWORD });
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Another account from the same address is not affected.
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
  });

  it('lets no more than the limit of parallel wrong guesses through before answering 429', async () => {
    await t.userWith('burst', ['monitor']);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t
          .http()
          .post('/api/auth/login')
          .send({ username: 'burst', password: `parallel-guess-${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(7).fill(429)]);
  });

  it('creates a user with roles, never returns a password hash, and audits it', async () => {
    const created = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({
        username: 'pharma1',
        password: 'a-long-enough-password',
        roles: ['pharmacist'],
        displayName: 'P. One',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      username: 'pharma1',
      roles: ['pharmacist'],
      active: true,
    });
    const list = await t.http().get('/api/users').set('Authorization', admin).expect(200);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash|password/);
    const entry = (await audit()).find(
      (e) => e.action === 'USER_CREATED' && e.details.username === 'pharma1',
    );
    expect(entry).toMatchObject({
      actor: 'admin',
      outcome: 'SUCCESS',
      details: { roles: ['pharmacist'] },
    });
  });

  it.each([
    [
      { username: 'weak1', password: 'short', roles: ['monitor'] },
      /password must have at least 12 characters/,
    ],
    [
      { username: 'role1', password: 'a-long-enough-password', roles: ['god'] },
      /each role must be one of/,
    ],
    [{ username: 'role2', password: 'a-long-enough-password', roles: [] }, /at least one role/],
    [
      { username: 'Bad Name', password: 'a-long-enough-password', roles: ['monitor'] },
      /username must be/,
    ],
    [
      { username: 'extra1', password: 'a-long-enough-password', roles: ['monitor'], isAdmin: true },
      /property isAdmin should not exist/,
    ],
    [
      { username: 'type1', password: 123456789012345, roles: ['monitor'] },
      /password must be a string/,
    ],
    [
      { username: 'samename', password: 'my-samename-password', roles: ['monitor'] },
      /must not contain the username/,
    ],
  ])('refuses a bad user %j with 400 naming the problem', async (body, message) => {
    const response = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send(body)
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((response.body as { message: string }).message).toMatch(message);
  });

  it('refuses a duplicate username with 409', async () => {
    await t.userWith('dup1', ['monitor']);
    const response = await t
      .http()
      .post('/api/users')
      .set('Authorization', admin)
      .send({ username: 'dup1', password: 'a-long-enough-password', roles: ['monitor'] })
      .expect(409);
    expect((response.body as { message: string }).message).toContain('already exists');
    expect((await audit()).pop()).toMatchObject({
      action: 'USER_CHANGE_REFUSED',
      outcome: 'DENIED',
    });
  });

  it('applies a revoked role on the very next request, with the same token', async () => {
    const token = await t.userWith('revokee', ['admin', 'monitor']);
    await t.http().get('/api/users').set('Authorization', token).expect(200);
    await t
      .http()
      .patch('/api/users/revokee')
      .set('Authorization', admin)
      .send({ roles: ['monitor'] })
      .expect(200);
    const refused = await t.http().get('/api/users').set('Authorization', token).expect(403);
    expect((refused.body as { message: string }).message).toContain('admin');
    const denial = (await audit())
      .filter((e) => e.action === 'ACCESS_DENIED' && e.actor === 'revokee')
      .pop();
    expect(denial).toMatchObject({
      roles: ['monitor'],
      outcome: 'DENIED',
      details: { route: 'GET /api/users' },
    });
  });

  it('locks out a disabled user on the very next request, and lets them back when enabled, with a new sign-in only', async () => {
    const token = await t.userWith('leaver', ['monitor']);
    await t.http().get('/api/auth/me').set('Authorization', token).expect(200);
    await t
      .http()
      .patch('/api/users/leaver')
      .set('Authorization', admin)
      .send({ active: false })
      .expect(200);
    await t.http().get('/api/auth/me').set('Authorization', token).expect(401);
    // The right password learns that the account is disabled; a wrong one learns nothing.
    const refused = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'leaver', password: USER_PASSWORD })
      .expect(401);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    const guessed = await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'leaver', password: 'not-the-password-at-all' })
      .expect(401);
    expect(guessed.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    await t
      .http()
      .patch('/api/users/leaver')
      .set('Authorization', admin)
      .send({ active: true })
      .expect(200);
    // Re-enabling brings no token back: the one issued before the disabling stays revoked.
    const stale = await t.http().get('/api/auth/me').set('Authorization', token).expect(401);
    expect(stale.body).toMatchObject({ code: 'TOKEN_REVOKED' });
    await t.http().post('/api/auth/refresh').set('Authorization', token).expect(401);
    const fresh = await t.login('leaver');
    await t.http().get('/api/auth/me').set('Authorization', fresh).expect(200);
  });

  it('resets a password so that only the new one signs in', async () => {
    await t.userWith('forgetful', ['monitor']);
    await t
      .http()
      .patch('/api/users/forgetful')
      .set('Authorization', admin)
      .send({ password: 'a-brand-new-password' })
      .expect(200);
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'forgetful', password: USER_PASSWORD })
      .expect(401);
    await t
      .http()
      .post('/api/auth/login')
      .send({ username: 'forgetful', password: 'a-brand-new-password' })
      .expect(200);
    const entry = (await audit()).filter((e) => e.action === 'USER_UPDATED').pop();
    expect(entry?.details).toEqual({ username: 'forgetful', changes: { passwordChanged: true } });
  });

  it('refuses a token issued before a password change, in the same second too, and takes one issued after it', async () => {
    const token = await t.userWith('changer', ['monitor']);
    // No pause: the change usually falls in the sign-in's own second, which a version tells apart.
    await t
      .http()
      .patch('/api/users/changer')
      .set('Authorization', admin)
      .send({ password: 'another-new-password' })
      .expect(200);
    const refused = await t.http().get('/api/auth/me').set('Authorization', token).expect(401);
    expect((refused.body as { message: string }).message).toMatch(/password has changed/);
    const fresh = await t.login('changer', 'another-new-password');
    await t.http().get('/api/auth/me').set('Authorization', fresh).expect(200);
  });

  it('answers 404 for an unknown user and 400 for an empty change', async () => {
    await t
      .http()
      .patch('/api/users/ghost')
      .set('Authorization', admin)
      .send({ active: false })
      .expect(404);
    await t.http().patch('/api/users/admin').set('Authorization', admin).send({}).expect(400);
  });

  it('never leaves the study without an active admin', async () => {
    const response = await t
      .http()
      .patch('/api/users/admin')
      .set('Authorization', admin)
      .send({ active: false });
    // Another admin ('revokee' lost the role), so admin is the last one.
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'LAST_ADMIN' });
    await t.http().get('/api/auth/me').set('Authorization', admin).expect(200);
  });

  it('refuses forged, expired-looking and alg:none tokens with 401, and audits each', async () => {
    const [header, payload] = admin.slice('Bearer '.length).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const forged = `${header}.${payload}.${Buffer.from('forged-signature').toString('base64url')}`;
    const expiredPayload = Buffer.from(JSON.stringify({ sub: 'admin', iat: 1, exp: 2 })).toString(
      'base64url',
    );
    const before = (await audit()).filter((e) => e.action === 'ACCESS_DENIED').length;
    for (const token of [none, forged, `${header}.${expiredPayload}.x`, 'garbage']) {
      await t.http().get('/api/users').set('Authorization', `Bearer ${token}`).expect(401);
    }
    await t.http().get('/api/users').expect(401);
    expect((await audit()).filter((e) => e.action === 'ACCESS_DENIED').length).toBe(before + 5);
  });

  it.each([
    ['GET', '/api/users'],
    ['POST', '/api/users'],
    ['PATCH', '/api/users/admin'],
  ])('refuses %s %s to every role but admin with 403', async (method, path) => {
    for (const role of [
      'statistician',
      'pharmacist',
      'investigator',
      'unblinder',
      'monitor',
    ] as const) {
      const token = await t.userWith(`matrix-${role}-${method.toLowerCase()}-${path.length}`, [
        role,
      ]);
      const call =
        method === 'GET'
          ? t.http().get(path)
          : method === 'POST'
            ? t.http().post(path)
            : t.http().patch(path);
      const response = await call.set('Authorization', token).send({});
      expect(response.status).toBe(403);
    }
  });

  it('keeps a valid audit chain through all of the above', async () => {
    const result = await t.database.verifyAudit();
    expect(result.valid).toBe(true);
    expect(result.entries).toBeGreaterThan(20);
  });

  it('serves an OpenAPI document listing every route with its roles', async () => {
    const response = await t.http().get('/api/docs-json').expect(200);
    const paths = (
      response.body as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> }
    ).paths;
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect([path, method, operation['x-roles']?.length ?? 0]).not.toEqual([path, method, 0]);
      }
    }
    expect(paths['/api/users']?.post?.['x-roles']).toEqual(['admin']);
  });

  it('lists every error code in the OpenAPI document, and points every operation to the error body', async () => {
    const response = await t.http().get('/api/docs-json').expect(200);
    const document = response.body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties: { code: { enum: string[] } } }> };
    };
    expect(document.components.schemas.ErrorBody.properties.code.enum).toEqual(
      Object.keys(ERROR_CODES),
    );
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect([path, method, Object.keys(operation.responses)]).toEqual([
          path,
          method,
          expect.arrayContaining(['4XX', '503']),
        ]);
      }
    }
  });

  it('answers malformed JSON and huge bodies with 4xx, never 500', async () => {
    const bad = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username": ');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const huge = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'x'.repeat(200_000), password: 'y' }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ statusCode: 413, message: 'The request body is too large' });
  });
});
