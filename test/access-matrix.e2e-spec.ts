import { createHmac } from 'node:crypto';
import { ROLES, Role } from '../src/users/role';
import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp } from './support/test-app';

/**
 * The access matrix of SPEC section 8: every route the server answers, crossed with every kind of
 * caller. The route list is read from the running app (Express's router, which holds every Nest
 * route and the Swagger UI routes) and each route's granted roles from the app's own OpenAPI
 * document (the `x-roles` extension written by @Public/@Roles). EXPECTED is the reviewed table: a
 * route without a row, a row without a route, or declared roles that differ from the row fail.
 */

type Grant = Role | 'public';

const ANY_ROLE: readonly Role[] = ROLES;

/** One row per route, `METHOD /path` with Express's `:param` syntax. */
const EXPECTED: Record<string, readonly Grant[]> = {
  'GET /api/health': ['public'],
  'GET /api/health/live': ['public'],
  'GET /api/health/ready': ['public'],
  // Also admits METRICS_TOKEN (METRICS_TOKEN_ROUTES below).
  'GET /api/metrics': ['admin'],
  'POST /api/auth/login': ['public'],
  'GET /api/auth/me': ANY_ROLE,
  'POST /api/auth/refresh': ANY_ROLE,
  'POST /api/auth/logout': ANY_ROLE,
  'POST /api/users': ['admin'],
  'GET /api/users': ['admin'],
  'PATCH /api/users/:username': ['admin'],
  'GET /api/trial': ANY_ROLE,
  'POST /api/study/lock': ['admin'],
  'POST /api/randomization-list': ['statistician'],
  'POST /api/randomization-list/simulation': ['statistician'],
  'GET /api/randomization-list/export': ['statistician'],
  'POST /api/randomization-list/reset': ['admin'],
  'GET /api/randomization-list/export/csv': ['statistician'],
  'GET /api/randomization-list/report': ['statistician'],
  'POST /api/participants': ['pharmacist', 'investigator'],
  'GET /api/participants': ANY_ROLE,
  'GET /api/participants/:id': ANY_ROLE,
  'PATCH /api/participants/:id': ['pharmacist', 'investigator'],
  'POST /api/participants/:id/withdrawal': ['pharmacist', 'investigator'],
  'POST /api/participants/:id/allocation': ['pharmacist'],
  'GET /api/participants/:id/allocation': ['pharmacist'],
  'GET /api/participants/:id/preparation-sheet': ['pharmacist'],
  'POST /api/participants/:id/offline-allocation': ['pharmacist'],
  'POST /api/downtime-envelopes': ['statistician'],
  'GET /api/downtime-envelopes': ['statistician', 'pharmacist', 'admin', 'monitor'],
  'POST /api/downtime-envelopes/:number/print': ['pharmacist'],
  'POST /api/downtime-envelopes/:number/void': ['statistician'],
  'POST /api/participants/:id/unblinding': ['unblinder'],
  'POST /api/participants/:id/unblinding/review': ['admin', 'unblinder'],
  'GET /api/unblindings': ['admin', 'monitor', 'unblinder'],
  'GET /api/blinding-register': ['admin', 'monitor'],
  'POST /api/participants/:id/blinding-guesses': ['assessor', 'investigator'],
  'GET /api/blinding-assessment': ['statistician'],
  'GET /api/audit-log': ['monitor', 'admin'],
  'GET /api/audit-log/verify': ['monitor', 'admin'],
  'GET /api/audit-log/checkpoint': ['monitor', 'admin'],
  // Served by SwaggerModule.setup (app.factory.ts) outside Nest's router, so outside the guard.
  'GET /api/docs': ['public'],
  'GET /api/docs/': ['public'],
  'GET /api/docs/index.html': ['public'],
  'GET /api/docs/swagger-ui-init.js': ['public'],
  'GET /api/docs/docs/swagger-ui-init.js': ['public'],
  'GET /api/docs/LICENSE': ['public'],
  'GET /api/docs-json': ['public'],
  'GET /api/docs-yaml': ['public'],
};

/**
 * The routes whose answer can name a target (a limb): an allocation, the sheet, an unblinding, the
 * full list after lock, the per-arm blinding index after lock. No blinded role is granted any.
 */
const LIMB_ROUTES = new Set([
  'POST /api/participants/:id/allocation',
  'GET /api/participants/:id/allocation',
  'GET /api/participants/:id/preparation-sheet',
  'POST /api/participants/:id/unblinding',
  'GET /api/randomization-list/export',
  'GET /api/randomization-list/export/csv',
  'GET /api/randomization-list/report',
  'GET /api/blinding-assessment',
]);

/** The roles that never see which limb got the cells (SPEC section 2). */
const BLINDED_ROLES: readonly Role[] = ['admin', 'investigator', 'monitor', 'assessor'];

/** The routes that admit `Bearer <METRICS_TOKEN>` besides their roles; every other refuses it. */
const METRICS_TOKEN_ROUTES = new Set(['GET /api/metrics']);
const METRICS_TOKEN = 'matrix-metrics-token-0123456789-abcdefghij';

/** Routes that revoke the token they are called with: an admitted caller presents a fresh one. */
const ENDS_PRESENTED_TOKEN = new Set(['POST /api/auth/refresh', 'POST /api/auth/logout']);

/** The actions the exception filter records a refusal as. */
const FILTER_ACTIONS = new Set(['ACCESS_DENIED', 'REQUEST_REJECTED', 'LOGIN_FAILED']);

/** Values for path parameters: a participant that exists, a user and an envelope that do not. */
const PATH_PARAMS: Record<string, string> = {
  id: 'ELA-001',
  username: 'matrix-nobody',
  number: 'ENV-0001',
};

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean | undefined> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { 'x-roles'?: unknown; 'x-metrics-token'?: unknown }>>;
}

/** Every `METHOD /path` the Express router of the running app dispatches. */
function routesOf(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  const routes = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on) routes.add(`${method.toUpperCase()} ${path}`);
      }
    }
  }
  return [...routes];
}

/**
 * The roles a route declares: `x-roles` of its OpenAPI operation. A Swagger UI route has no
 * operation and is public by construction; any other route without `x-roles` has no @Public or
 * @Roles and is refused to everyone by the guard, hence [].
 */
function declaredGrants(document: OpenApiDocument, route: string): string[] {
  const [method, path] = route.split(' ');
  const openApiPath = path.replace(/:(\w+)/g, '{$1}');
  const operation = document.paths[openApiPath]?.[method.toLowerCase()];
  if (!operation) return path.startsWith('/api/docs') ? ['public'] : [];
  const roles = operation['x-roles'];
  return Array.isArray(roles) ? roles.map(String).sort() : [];
}

const sorted = (grants: readonly Grant[]): Grant[] => [...grants].sort();

function concretePath(route: string): string {
  return route.split(' ')[1].replace(/:(\w+)/g, (_match, name: string) => PATH_PARAMS[name]);
}

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT signed with `secret`, built by hand so that the test controls every byte. */
function signToken(claims: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }) {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A kind of caller: either denied outright (401) or acting with a set of roles. */
interface Caller {
  name: string;
  authorization: string | undefined;
  /** The roles the guard will find in the database; undefined when authentication must fail. */
  roles: readonly Role[] | undefined;
  /** Signs the caller in again, for the routes that revoke the presented token. */
  freshAuthorization?: () => Promise<string>;
  /** Presents METRICS_TOKEN: admitted by METRICS_TOKEN_ROUTES only. */
  metricsToken?: boolean;
}

type Expectation = 'allowed' | 401 | 403;

function expectationFor(route: string, grants: readonly Grant[], caller: Caller): Expectation {
  if (grants.includes('public')) return 'allowed';
  if (caller.metricsToken && METRICS_TOKEN_ROUTES.has(route)) return 'allowed';
  if (caller.roles === undefined) return 401;
  return caller.roles.some((role) => grants.includes(role)) ? 'allowed' : 403;
}

const trial = nctTrial();

describe('Access matrix: every route × every kind of caller (end to end)', () => {
  let t: TestApp;
  const callers: Caller[] = [];

  const deniedCount = (): Promise<number> =>
    t.database.count('audit_entries', "action = 'ACCESS_DENIED'");
  const lastDenied = async () =>
    (
      await t.database.query<{ outcome: string; reason: string; details: string }>(
        `SELECT outcome, reason, details FROM audit_entries WHERE action = 'ACCESS_DENIED' ORDER BY seq DESC LIMIT 1`,
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN });
    if (t.config.jwtSecret.kind !== 'inline')
      throw new Error('tests run with an inline JWT_SECRET');
    const secret = t.config.jwtSecret.value;
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const now = Math.floor(Date.now() / 1000);

    const roleCallers: Caller[] = [];
    for (const role of ROLES) {
      const authorization = await t.userWith(`matrix-${role}`, [role]);
      roleCallers.push({
        name: role,
        authorization,
        roles: [role],
        freshAuthorization: () => t.login(`matrix-${role}`),
      });
    }

    // Both hold every role and sign in first; then one is disabled and the other keeps only
    // `investigator`, and both go on using the tokens they were given before the change.
    const disabled = await t.userWith('matrix-disabled', [...ROLES]);
    const revoked = await t.userWith('matrix-revoked', [...ROLES]);
    for (const [username, change] of [
      ['matrix-disabled', { active: false }],
      ['matrix-revoked', { roles: ['investigator'] }],
    ] as const) {
      await t
        .http()
        .patch(`/api/users/${username}`)
        .set('Authorization', admin)
        .send(change)
        .expect(200);
    }

    // A participant for the :id routes, registered by an investigator so nothing is allocated.
    await t
      .http()
      .post('/api/participants')
      .set('Authorization', roleCallers.find((c) => c.name === 'investigator')?.authorization ?? '')
      .send(registration(trial, 'SCR-MATRIX-1'))
      .expect(201);

    // The claims the server issues (session.ts): version, token id and session start included.
    const adminClaims = (lifetime: number, issuedAgo = 60) => ({
      sub: 'admin',
      ver: 0,
      jti: `matrix-${lifetime}-${issuedAgo}`,
      auth_time: now - issuedAgo,
      iat: now - issuedAgo,
      exp: now - issuedAgo + lifetime,
    });
    callers.push(
      { name: 'no token', authorization: undefined, roles: undefined },
      {
        name: 'expired token',
        // Expired 30 minutes ago and issued an hour ago: past the refresh route's idle limit too.
        authorization: `Bearer ${signToken(adminClaims(1800, 3600), secret)}`,
        roles: undefined,
      },
      {
        name: 'forged signature',
        authorization: `Bearer ${signToken(adminClaims(600), 'not-the-server-secret-but-just-as-long-0123456789')}`,
        roles: undefined,
      },
      {
        name: 'alg none',
        authorization: `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(adminClaims(600))}.`,
        roles: undefined,
      },
      {
        // A monitor's genuine token with its claims edited to name admin; the signature is kept.
        name: 'edited claims',
        authorization: (() => {
          const monitor = roleCallers.find((c) => c.name === 'monitor')?.authorization ?? '';
          const [header, , signature] = monitor.replace(/^Bearer /, '').split('.');
          return `Bearer ${header}.${base64url(adminClaims(600))}.${signature}`;
        })(),
        roles: undefined,
      },
      { name: 'disabled user', authorization: disabled, roles: undefined },
      {
        name: 'metrics token',
        authorization: `Bearer ${METRICS_TOKEN}`,
        roles: undefined,
        metricsToken: true,
      },
      {
        name: 'wrong metrics token',
        authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}x`,
        roles: undefined,
      },
      {
        name: 'role just revoked',
        authorization: revoked,
        roles: ['investigator'],
        freshAuthorization: () => t.login('matrix-revoked'),
      },
      ...roleCallers,
    );
    // The control: a token this test signs with the server's secret is accepted, so the bad
    // tokens above are refused for the one thing that is wrong with each, not for their shape.
    await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${signToken(adminClaims(600), secret)}`)
      .expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('has a row in EXPECTED for exactly the routes the app serves, with the roles each declares', async () => {
    const document = (await t.http().get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const served = routesOf(t).sort();
    expect(served).toEqual(Object.keys(EXPECTED).sort());
    const declared = Object.fromEntries(
      served.map((route) => [route, declaredGrants(document, route)]),
    );
    const expected = Object.fromEntries(
      Object.entries(EXPECTED).map(([route, grants]) => [route, sorted(grants)]),
    );
    expect(declared).toEqual(expected);
    const admittingMetricsToken = served.filter((route) => {
      const [method, path] = route.split(' ');
      const operation = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      return operation?.['x-metrics-token'] === true;
    });
    expect(admittingMetricsToken).toEqual([...METRICS_TOKEN_ROUTES]);
  });

  it('keeps the assessor blinded: no route that can answer with a limb, no blinding register, nothing the investigator lacks but recording guesses', () => {
    const grantedTo = (role: Role) =>
      Object.entries(EXPECTED)
        .filter(([, grants]) => grants.includes(role))
        .map(([route]) => route);
    for (const role of BLINDED_ROLES) {
      expect({
        role,
        limbRoutes: grantedTo(role).filter((route) => LIMB_ROUTES.has(route)),
      }).toEqual({ role, limbRoutes: [] });
    }
    const investigator = new Set(grantedTo('investigator'));
    expect(grantedTo('assessor').filter((route) => !investigator.has(route))).toEqual([]);
    expect(grantedTo('assessor')).not.toContain('GET /api/blinding-register');
    expect(grantedTo('assessor')).not.toContain('GET /api/unblindings');
  });

  it.each(Object.entries(EXPECTED))(
    '%s answers each caller as the table says, and audits every refusal as ACCESS_DENIED',
    async (route, grants) => {
      const [method, pattern] = route.split(' ');
      const path = concretePath(route);
      const mismatches: string[] = [];
      for (const caller of callers) {
        const expected = expectationFor(route, grants, caller);
        const before = await deniedCount();
        const authorization =
          ENDS_PRESENTED_TOKEN.has(route) && expected === 'allowed' && caller.freshAuthorization
            ? await caller.freshAuthorization()
            : caller.authorization;
        let call = t.http()[method.toLowerCase() as 'get' | 'post' | 'patch'](path);
        if (authorization) call = call.set('Authorization', authorization);
        if (method !== 'GET') call = call.send({});
        const response = await call;
        const status = response.status;
        const audited = (await deniedCount()) - before;
        const cell = `${caller.name}: expected ${expected}, got ${status}`;

        if (status >= 500) mismatches.push(`${cell} (server error)`);
        if (expected === 'allowed') {
          if (status === 401 || status === 403) mismatches.push(cell);
          if (audited !== 0) mismatches.push(`${cell}: ${audited} ACCESS_DENIED entries`);
          continue;
        }
        if (status !== expected) {
          mismatches.push(cell);
          continue;
        }
        expect(response.body).toMatchObject({
          statusCode: expected,
          error: expected === 401 ? 'Unauthorized' : 'Forbidden',
        });
        if (audited !== 1) {
          mismatches.push(`${cell}: ${audited} ACCESS_DENIED entries instead of 1`);
          continue;
        }
        const entry = await lastDenied();
        const details = JSON.parse(entry.details) as { route?: string };
        if (entry.outcome !== 'DENIED' || details.route !== `${method} ${pattern}`) {
          mismatches.push(`${cell}: audited as ${entry.outcome} on ${details.route}`);
        }
      }
      expect(mismatches).toEqual([]);
    },
  );

  /**
   * Every kind of bad request on every guarded route (read from the app's router), and the
   * public sign-in with a bad body: each 4xx answer adds exactly one audit entry, naming the
   * route, the status, the code and the actor of a valid token (anonymous without one).
   */
  it('audits every 4xx answer once: no token, wrong role, malformed JSON, oversized body, unknown field, bad param', async () => {
    const entryCount = () => t.database.count('audit_entries');
    const lastEntry = async () =>
      (
        await t.database.query<{ actor: string; action: string; details: string }>(
          'SELECT actor, action, details FROM audit_entries ORDER BY seq DESC LIMIT 1',
        )
      )[0];
    const byName = (name: string) => callers.find((c) => c.name === name);
    const mismatches: string[] = [];
    let checked = 0;
    const routes = routesOf(t).filter((route) => !route.split(' ')[1].startsWith('/api/docs'));
    for (const route of routes) {
      const [method, pattern] = route.split(' ');
      const grants = EXPECTED[route];
      const granted = grants.includes('public')
        ? undefined
        : callers.find((c) => c.roles?.length === 1 && grants.includes(c.roles[0]));
      const refused = grants.includes('public')
        ? undefined
        : callers.find((c) => c.roles?.length === 1 && !grants.includes(c.roles[0]));
      const hasBody = method !== 'GET';
      const hasParam = pattern.includes(':');
      type Kind = {
        name: string;
        caller?: Caller;
        fresh?: boolean;
        path?: string;
        body?: string;
      };
      const kinds: Kind[] = [];
      if (!grants.includes('public'))
        kinds.push({ name: 'no token' }, { name: 'expired', caller: byName('expired token') });
      if (refused) kinds.push({ name: 'wrong role', caller: refused });
      if (hasBody) {
        kinds.push(
          { name: 'malformed JSON', caller: granted, body: '{"reason": "x",' },
          {
            name: 'oversized body',
            caller: granted,
            body: JSON.stringify({ pad: 'x'.repeat(70_000) }),
          },
        );
        // Refresh and sign-out read no body: there is no field to be unknown.
        if (!ENDS_PRESENTED_TOKEN.has(route)) {
          kinds.push({
            name: 'unknown field',
            caller: granted,
            body: JSON.stringify({ unknownFieldOfTheMatrix: 1 }),
          });
        }
      }
      if (hasParam) {
        kinds.push({
          name: 'bad param',
          caller: granted,
          fresh: ENDS_PRESENTED_TOKEN.has(route),
          path: pattern.replace(/:(\w+)/g, () => encodeURIComponent('x;=1+1;')),
        });
      }
      for (const kind of kinds) {
        const before = await entryCount();
        const authorization =
          kind.fresh && kind.caller?.freshAuthorization
            ? await kind.caller.freshAuthorization()
            : kind.caller?.authorization;
        const afterSignIn = await entryCount();
        const verb = method.toLowerCase() as 'get' | 'post' | 'patch';
        let call = t.http()[verb](kind.path ?? concretePath(route));
        if (authorization) call = call.set('Authorization', authorization);
        if (kind.body !== undefined)
          call = call.set('Content-Type', 'application/json').send(kind.body);
        else if (hasBody) call = call.send({});
        const response = await call;
        const cell = `${route} ${kind.name}: ${response.status}`;
        if (response.status < 400 || response.status >= 500) {
          // Every kind here is a bad request; a 2xx would mean the test proves nothing.
          mismatches.push(`${cell} is not a refusal`);
          continue;
        }
        checked += 1;
        const added = (await entryCount()) - afterSignIn;
        if (added !== 1) {
          mismatches.push(`${cell}: ${added} audit entries (${afterSignIn - before} for sign-in)`);
          continue;
        }
        const entry = await lastEntry();
        const details = JSON.parse(entry.details) as {
          status?: number;
          code?: string;
          route?: string;
        };
        const body = response.body as { code?: string };
        const actor =
          kind.caller && kind.caller.roles !== undefined
            ? `matrix-${kind.caller.name}`
            : 'anonymous';
        if (details.code !== body.code)
          mismatches.push(`${cell}: audited code ${details.code}, answered ${body.code}`);
        // A service's own refusal entry (ALLOCATION_REFUSED…) is named by its action and carries
        // the status; the filter's generic ones carry the route and the status.
        if (
          (FILTER_ACTIONS.has(entry.action) || details.status !== undefined) &&
          details.status !== response.status
        )
          mismatches.push(`${cell}: audited status ${details.status}`);
        if (FILTER_ACTIONS.has(entry.action)) {
          if (!details.route?.startsWith(method))
            mismatches.push(`${cell}: audited route ${details.route}`);
        }
        if (entry.actor !== actor && !kind.caller?.name.startsWith('role just'))
          mismatches.push(`${cell}: audited actor ${entry.actor}, expected ${actor}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(80);
  });

  it('audits once each refusal that the review found unaudited (issue 11 item 6)', async () => {
    const entryCount = () => t.database.count('audit_entries');
    const token = (name: string) => callers.find((c) => c.name === name)?.authorization ?? '';
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const answers = registration(trial, 'SCR-MATRIX-2').eligibility;
    const [firstCriterion] = Object.keys(answers);
    const missingOne = Object.fromEntries(
      Object.entries(answers).filter(([id]) => id !== firstCriterion),
    );
    const cases: [string, 'get' | 'post' | 'patch', string, string, object | undefined][] = [
      [
        'password holds the username',
        'post',
        '/api/users',
        admin,
        { username: 'alice7', password: 'alice7-and-more-words', roles: ['monitor'] },
      ],
      [
        'bad role',
        'post',
        '/api/users',
        admin,
        { username: 'bob7', password: 'a-long-enough-password', roles: ['wizard'] },
      ],
      ['PATCH with an empty body', 'patch', '/api/users/matrix-monitor', admin, {}],
      [
        'PATCH with an unknown field',
        'patch',
        '/api/users/matrix-monitor',
        admin,
        { shoeSize: 44 },
      ],
      [
        'registration with a missing answer',
        'post',
        '/api/participants',
        token('investigator'),
        registration(trial, 'SCR-M3', { eligibility: missingOne }),
      ],
      [
        'registration with a non-boolean answer',
        'post',
        '/api/participants',
        token('investigator'),
        { ...registration(trial, 'SCR-M4'), eligibility: { ...answers, [firstCriterion]: 'yes' } },
      ],
      [
        'strata on an unstratified trial',
        'post',
        '/api/participants',
        token('investigator'),
        registration(trial, 'SCR-M5', { strata: { site: 'A' } }),
      ],
      ['unknown participant', 'get', '/api/participants/ELA-999', token('monitor'), undefined],
      [
        'correction with nothing to correct',
        'patch',
        '/api/participants/ELA-001',
        token('pharmacist'),
        { reason: 'Nothing given to correct here' },
      ],
      [
        'correction of an unknown participant',
        'patch',
        '/api/participants/ELA-999',
        token('investigator'),
        { reason: 'Screening number mistyped', age: 40 },
      ],
      [
        'withdrawal with a short reason',
        'post',
        '/api/participants/ELA-001/withdrawal',
        token('investigator'),
        { reason: 'moved' },
      ],
      [
        'non-ASCII seed',
        'post',
        '/api/randomization-list',
        token('statistician'),
        { seed: 'ñ'.repeat(20) },
      ],
      ['short lock reason', 'post', '/api/study/lock', admin, { reason: 'short' }],
      [
        'export from after to',
        'get',
        '/api/audit-log?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        token('monitor'),
        undefined,
      ],
      ['export in a bad format', 'get', '/api/audit-log?format=xml', token('monitor'), undefined],
      ['malformed sign-in body', 'post', '/api/auth/login', '', { username: 5 }],
    ];
    const mismatches: string[] = [];
    for (const [name, verb, path, authorization, body] of cases) {
      const before = await entryCount();
      let call = t.http()[verb](path);
      if (authorization) call = call.set('Authorization', authorization);
      const response = await (body === undefined ? call : call.send(body));
      const added = (await entryCount()) - before;
      if (response.status < 400 || response.status >= 500 || added !== 1)
        mismatches.push(`${name}: ${response.status}, ${added} entries`);
    }
    expect(mismatches).toEqual([]);
  });

  it('serves the public routes without a token: health, the docs and their OpenAPI document', async () => {
    expect((await t.http().get('/api/health').expect(200)).body).toEqual({
      status: 'ok',
      training: false,
    });
    expect((await t.http().get('/api/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http().get('/api/health/ready').expect(200)).body).toMatchObject({
      status: 'ready',
    });
    await t.http().get('/api/docs').expect(200);
    const document = (await t.http().get('/api/docs-json').expect(200)).body as OpenApiDocument;
    expect(document.paths['/api/participants']).toBeDefined();
    // Login is public: a bad body is a 400 about the body, not a refusal.
    const login = await t.http().post('/api/auth/login').send({});
    expect(login.status).toBe(400);
  });
});
