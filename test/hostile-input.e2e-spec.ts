import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { JSON_BODY_LIMIT } from '../src/app.factory';
import { AUDIT_ACTIONS } from '../src/audit/audit-actions';
import { REVIEW_DECISIONS } from '../src/unblinding/unblinding-review.entity';
import { ROLES } from '../src/users/role';
import { eligibleAnswers, nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

/**
 * Hostile input, property-based (SPEC section 8): every POST and PATCH body, the one header a
 * client chooses (Idempotency-Key) and the audit log's query string get injection strings,
 * unicode oddities, wrong types, deep nesting, malformed JSON, wrong content types and oversized
 * bodies. Whatever comes in: never a 5xx, every refusal is a `{statusCode, error, message}` body,
 * and a refusal (4xx) changes no row of any table. Refusals are audited, so audit_entries (and the
 * write_lock row every write transaction bumps) are left out of the comparison; so is
 * password_failures, where a failed sign-in is counted for the throttle, which is the point of a
 * refusal there. The audit chain must still verify at the end.
 */

const trial = nctTrial();
/** Tables a refusal writes on purpose: the audit log, and the failed sign-ins the throttle counts. */
const COUNTED_ON_REFUSAL = ['audit_entries', 'password_failures'];
const LIMIT_BYTES = Number.parseInt(JSON_BODY_LIMIT, 10) * 1024;
/** Runs per property: enough to cover every payload kind several times, the file well under 60 s. */
const RUNS = 100;

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "admin'--",
  "ELA-001' OR 1=1 --",
  "') UNION SELECT target_sealed FROM slots --",
  '1; UPDATE slots SET participant_id = NULL',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}<%= 7*7 %>',
  "=cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '+1-1',
  '../../../../etc/passwd',
  '%00%27%22',
  'nul\u0000byte',
  '\u0000',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שלום',
  '🙂🔥👩‍⚕️',
  'lone \uD800 high',
  'lone \uDFFF low',
  '\uFFFE\uFFFF',
  'Ω≈ç√∫',
  '\r\nX-Injected: 1',
  '__proto__',
  'constructor',
  'LEFT',
  'RIGHT',
  'NaN',
  'Infinity',
  '-1',
  '1e308',
  '0x10',
  'true',
  'null',
  '',
  ' ',
  'x'.repeat(5000),
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...INJECTIONS))
      .map(([prefix, injection]) => `${prefix}${injection}`),
  },
);

/** A hostile string long enough for a reason or a password, so it gets past the length checks. */
const longHostileString: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  hostileString.map((text) => `Emergency: ${text} (padded to pass minimum lengths)`),
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  fc.integer().map(String),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value: scalars, null, arrays where objects belong, objects where scalars belong. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  fc.constant(null),
  fc.array(hostileScalar, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileScalar, { maxKeys: 4 }),
);

/** What a request carries as its body. */
interface Payload {
  contentType: string | undefined;
  text: string | undefined;
  /** Larger than the body limit: the answer must be 413. */
  oversized: boolean;
  /** How fast-check prints a counterexample: a 60 kB body is cut short. */
  [fc.toStringMethod]: () => string;
}

function bodyOf(
  contentType: string | undefined,
  text: string | undefined,
  oversized = false,
): Payload {
  const shown =
    text === undefined
      ? 'no body'
      : text.length > 300
        ? `${JSON.stringify(text.slice(0, 300))}… (${text.length} characters)`
        : JSON.stringify(text);
  return {
    contentType,
    text,
    oversized,
    [fc.toStringMethod]: () => `${contentType ?? 'no Content-Type'}: ${shown}`,
  };
}

const json = (value: unknown): Payload => bodyOf('application/json', JSON.stringify(value));

function nested(depth: number, kind: 'object' | 'array', core = '1'): string {
  return kind === 'object'
    ? `${'{"a":'.repeat(depth)}${core}${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}${core}${']'.repeat(depth)}`;
}

const MALFORMED_JSON = [
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  '{"a":1}}',
  'NaN',
  '{"a":NaN}',
  '{"a":"\\uZZZZ"}',
  '{"a":"\u0000"}',
  '\u0000',
  '{"a" 1}',
  '/* comment */ {}',
  '{"__proto__":{"admin":true}}',
  '"just a string"',
  'null',
  '123',
  'true',
  '\uFEFF{}',
];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'text/html',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded',
  'application/vnd.api+json',
  'image/png',
];

/**
 * Bodies for a route whose DTO has these fields. Each field is either plausible (so validation
 * gets past the first check and hostile values reach the deeper rules) or hostile.
 */
function bodies(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Payload> {
  const field = Object.fromEntries(
    Object.entries(fields).map(([name, plausible]) => [
      name,
      fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: hostileValue }),
    ]),
  );
  const shaped = fc
    .tuple(
      // Every field present half of the time, so that whole bodies often get past the first checks.
      fc.oneof(fc.record(field), fc.record(field, { requiredKeys: [] })),
      fc.option(fc.dictionary(hostileString, hostileValue, { maxKeys: 2 }), { freq: 6 }),
    )
    .map(([known, extra]) => json({ ...known, ...(extra ?? {}) }));
  // A plausible body with at most one field made hostile: reaches the rules behind validation.
  const names = Object.keys(fields);
  const oneHostileField =
    names.length === 0
      ? fc.constant(json({}))
      : fc
          .tuple(fc.record(fields), fc.constantFrom(...names), hostileValue, fc.boolean())
          .map(([base, name, value, mutate]) => json(mutate ? { ...base, [name]: value } : base));
  const notAnObject = fc
    .oneof(hostileScalar, fc.array(hostileValue, { maxLength: 4 }))
    .map((value) => json(value));
  const malformed = fc
    .oneof(fc.constantFrom(...MALFORMED_JSON), fc.string({ unit: 'binary', maxLength: 40 }))
    .map((text) => bodyOf('application/json', text));
  const deep = fc
    .tuple(
      fc.integer({ min: 20, max: 6000 }),
      fc.constantFrom('object' as const, 'array' as const),
      fc.constantFrom(...Object.keys(fields), null),
    )
    .map(([depth, kind, inField]) =>
      bodyOf(
        'application/json',
        inField ? `{${JSON.stringify(inField)}:${nested(depth, kind)}}` : nested(depth, kind, '{}'),
      ),
    );
  const wrongType = fc
    .tuple(
      fc.constantFrom(...WRONG_CONTENT_TYPES),
      fc.oneof(
        shaped.map((payload) => payload.text ?? ''),
        hostileString,
      ),
    )
    .map(([contentType, text]) => bodyOf(contentType, text));
  const oversized = fc
    .tuple(
      fc.integer({ min: LIMIT_BYTES + 1, max: LIMIT_BYTES * 3 }),
      fc.constantFrom(...Object.keys(fields), 'padding'),
      fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
    )
    .map(([size, name, contentType]) =>
      bodyOf(
        contentType,
        contentType === 'application/json'
          ? JSON.stringify({ [name]: 'A'.repeat(size) })
          : `${encodeURIComponent(name)}=${'A'.repeat(size)}`,
        true,
      ),
    );
  const none = fc.constant(bodyOf(undefined, undefined));
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 4, arbitrary: oneHostileField },
    { weight: 1, arbitrary: notAnObject },
    { weight: 2, arbitrary: malformed },
    { weight: 2, arbitrary: deep },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: oversized },
    { weight: 1, arbitrary: none },
  );
}

/** A path segment as a client would send it; a lone surrogate has no UTF-8 form, so raw bytes. */
function segment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

const participantIds = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('ELA-001', 'ELA-002', 'ELA-003', 'ELA-004') },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%ED%A0%80', '..%2F..%2Fusers', '%00') },
);

const pathId = (id: string) => (/^%|\.\.%/.test(id) ? id : segment(id));

/** The Idempotency-Key header: absent, well-formed, or any printable ASCII a client may send. */
const idempotencyKeys = fc.option(
  fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9._:-]{8,128}$/),
    fc.stringMatching(/^[\x21-\x7e]{0,300}$/),
    fc.constantFrom("k' OR '1'='1", '<script>', 'x'.repeat(129), '12345678'),
  ),
  { freq: 3 },
);

const auditQueries: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom('format', 'from', 'to', 'action', 'actor') },
            { weight: 2, arbitrary: fc.constant('participantId') },
            { weight: 1, arbitrary: hostileString },
          ),
          fc.oneof(
            hostileString,
            fc.constantFrom('json', 'csv', 'ndjson', 'xml', 'JSON'),
            fc.constantFrom(...AUDIT_ACTIONS),
            fc.subarray([...AUDIT_ACTIONS]).map((actions) => actions.join(',')),
            fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
            fc.constantFrom('2026-13-45T99:99:99Z', '0000-00-00', '9999-12-31T23:59:59Z', 'now'),
          ),
        ),
        { maxLength: 6 },
      )
      .map((pairs) => pairs.map(([key, value]) => `${segment(key)}=${segment(value)}`).join('&')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%ZZ=1',
      'from=%ED%A0%80',
      'actor[a]=b',
      'actor[]=a&actor[]=b',
      'action[__proto__]=x',
      '__proto__=x&constructor=y',
      '&&&==&',
      `action=${','.repeat(2000)}`,
      `actor=${'a'.repeat(9000)}`,
      'format=csv&format=json',
    ),
  },
);

interface TableState {
  [table: string]: string;
}

describe('Hostile input, property-based (end to end)', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let baseline: TableState;

  /**
   * Row count and content hash of every table but the audit log; of the write-lock row, which
   * every write transaction (an audited refusal too) bumps, only the count. Read from outside the
   * server, on SQLite and PostgreSQL alike (t.database); rows in a stable order of their own.
   */
  const tableState = async (): Promise<TableState> => {
    const tables = (await t.database.tables()).filter((name) => !COUNTED_ON_REFUSAL.includes(name));
    const state: TableState = {};
    for (const name of tables) {
      const rows = (await t.database.rowsAsText(name))
        // sqlite_sequence holds each AUTOINCREMENT table's counter: those of the tables above move.
        .filter(
          (row) =>
            name !== 'sqlite_sequence' ||
            !COUNTED_ON_REFUSAL.includes((JSON.parse(row) as { name?: string }).name ?? ''),
        );
      if (name === 'write_lock') {
        state[name] = `${rows.length} rows`;
        continue;
      }
      const digest = createHash('sha256').update(rows.join('\n')).digest('hex');
      state[name] = `${rows.length} rows, sha256 ${digest}`;
    }
    return state;
  };

  /** What every answer to hostile input must satisfy; a success moves the baseline on. */
  async function checkAnswer(response: Response, payload?: Payload): Promise<void> {
    const label = `${response.status} ${response.text.slice(0, 300)}`;
    if (response.status >= 500) throw new Error(`server error: ${label}`);
    // A body that is not JSON is refused for its type (415) before its size is looked at.
    const oversizedStatus = payload?.contentType === 'application/json' ? 413 : 415;
    if (payload?.oversized && response.status !== oversizedStatus) {
      throw new Error(`an oversized body got ${label} instead of ${oversizedStatus}`);
    }
    if (response.status >= 400) {
      expect(response.body).toMatchObject({
        statusCode: response.status,
        error: expect.any(String) as string,
        message: expect.any(String) as string,
      });
      expect(await tableState()).toEqual(baseline);
    } else {
      baseline = await tableState();
    }
  }

  const send = (
    method: 'post' | 'patch' | 'get',
    path: string,
    token: string | undefined,
    payload?: Payload,
    headers: Record<string, string> = {},
  ) => {
    let call = t.http()[method](path);
    if (token) call = call.set('Authorization', token);
    for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
    if (payload?.contentType) call = call.set('Content-Type', payload.contentType);
    return payload?.text === undefined ? call : call.send(payload.text);
  };

  const check = <T>(arbitrary: fc.Arbitrary<T>, run: (value: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arbitrary, run), { numRuns: RUNS, endOnFailure: true });

  beforeAll(async () => {
    t = await startTestApp();
    tokens = {
      admin: await t.login('admin', ADMIN_PASSWORD),
      statistician: await t.userWith('hostile-stat', ['statistician']),
      pharmacist: await t.userWith('hostile-pharm', ['pharmacist']),
      investigator: await t.userWith('hostile-inv', ['investigator']),
      unblinder: await t.userWith('hostile-unb', ['unblinder']),
      reviewer: await t.userWith('hostile-unb2', ['unblinder']),
      monitor: await t.userWith('hostile-mon', ['monitor']),
    };
    await t.userWith('hostile-target', ['monitor']);
    await send(
      'post',
      '/api/randomization-list',
      tokens.statistician,
      json({ seed: 'hostile-input-e2e-seed' }),
    ).expect(201);
    for (const n of [1, 2, 3]) {
      await send(
        'post',
        '/api/participants',
        tokens.pharmacist,
        json(registration(trial, `S-${n}`)),
      ).expect(201);
    }
    // ELA-001 allocated and unblinded (for reviews), ELA-002 allocated, ELA-003 registered only.
    for (const id of ['ELA-001', 'ELA-002']) {
      await send('post', `/api/participants/${id}/allocation`, tokens.pharmacist).expect(201);
    }
    await send(
      'post',
      '/api/participants/ELA-001/unblinding',
      tokens.unblinder,
      json({ reason: 'Setting up a review for the hostile input test', password: USER_PASSWORD }),
    ).expect(200);
    baseline = await tableState();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('POST /api/auth/login: any body is refused harmlessly', () =>
    check(
      bodies({
        username: fc.constantFrom('admin', 'hostile-unb', 'nobody'),
        password: hostileString,
      }),
      async (payload) =>
        checkAnswer(await send('post', '/api/auth/login', undefined, payload), payload),
    ));

  it('POST /api/users: any body is refused harmlessly (or creates exactly that user)', () =>
    check(
      bodies({
        username: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{1,20}$/),
        password: longHostileString,
        roles: fc.subarray([...ROLES], { minLength: 1 }),
        displayName: hostileString,
      }),
      async (payload) =>
        checkAnswer(await send('post', '/api/users', tokens.admin, payload), payload),
    ));

  it('PATCH /api/users/:username: any name and body are refused harmlessly', () =>
    check(
      fc.tuple(
        fc.oneof(fc.constant('hostile-target'), hostileString),
        bodies({
          roles: fc.subarray([...ROLES], { minLength: 1 }),
          active: fc.boolean(),
          password: longHostileString,
          displayName: hostileString,
        }),
      ),
      async ([username, payload]) =>
        checkAnswer(
          await send('patch', `/api/users/${segment(username)}`, tokens.admin, payload),
          payload,
        ),
    ));

  it('POST /api/randomization-list: any body is refused harmlessly', () =>
    check(bodies({ seed: hostileString }), async (payload) =>
      checkAnswer(
        await send('post', '/api/randomization-list', tokens.statistician, payload),
        payload,
      ),
    ));

  it('POST /api/participants: any body is refused harmlessly (or registers one participant)', () =>
    check(
      fc.tuple(
        fc.constantFrom('pharmacist', 'investigator'),
        bodies({
          screeningNumber: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,20}$/),
          age: fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 18, max: 70 }) },
            fc.integer({ min: -10, max: 200 }),
            fc.double(),
          ),
          // Every criterion answered (a flipped answer makes the participant ineligible: 422);
          // hostile answers, keys and strata come from the hostile-field variants.
          eligibility: fc.oneof(
            { weight: 3, arbitrary: fc.constant(eligibleAnswers(trial)) },
            fc
              .constantFrom(...Object.keys(eligibleAnswers(trial)))
              .map((id) => ({ ...eligibleAnswers(trial), [id]: !eligibleAnswers(trial)[id] })),
          ),
          strata: fc.constant({}),
        }),
      ),
      async ([who, payload]) =>
        checkAnswer(await send('post', '/api/participants', tokens[who], payload), payload),
    ));

  it('POST /api/participants/:id/allocation: any id, Idempotency-Key and body are refused harmlessly', () =>
    check(fc.tuple(participantIds, idempotencyKeys, bodies({})), async ([id, key, payload]) =>
      checkAnswer(
        await send(
          'post',
          `/api/participants/${pathId(id)}/allocation`,
          tokens.pharmacist,
          payload,
          key === null ? {} : { 'Idempotency-Key': key },
        ),
        payload,
      ),
    ));

  it('POST /api/participants/:id/unblinding: any id and body are refused harmlessly', () =>
    check(
      fc.tuple(
        participantIds,
        bodies({
          reason: longHostileString,
          password: hostileString,
        }),
      ),
      async ([id, payload]) =>
        checkAnswer(
          await send(
            'post',
            `/api/participants/${pathId(id)}/unblinding`,
            tokens.unblinder,
            payload,
          ),
          payload,
        ),
    ));

  it('POST /api/participants/:id/unblinding/review: any id and body are refused harmlessly', () =>
    check(
      fc.tuple(
        fc.oneof(fc.constant('ELA-001'), participantIds),
        bodies({
          decision: fc.constantFrom(...REVIEW_DECISIONS),
          comment: longHostileString,
          password: hostileString,
        }),
      ),
      async ([id, payload]) =>
        checkAnswer(
          await send(
            'post',
            `/api/participants/${pathId(id)}/unblinding/review`,
            tokens.reviewer,
            payload,
          ),
          payload,
        ),
    ));

  it('GET /api/audit-log?…: any query string is refused or answered, and changes nothing', () =>
    check(fc.tuple(auditQueries, fc.constantFrom('monitor', 'admin')), async ([query, who]) => {
      const response = await send('get', `/api/audit-log?${query}`, tokens[who]);
      if (response.status >= 500) throw new Error(`server error: ${response.text.slice(0, 300)}`);
      if (response.status >= 400) {
        expect(response.body).toMatchObject({ statusCode: response.status });
      }
      // A read, refused or not: nothing but the audit log may change.
      expect(await tableState()).toEqual(baseline);
    }));

  it('refuses a participant id over 64 characters on every :id route with 400, echoing none of it past 64 characters in the body, the audit log or the server log', async () => {
    const document = (await send('get', '/api/docs-json', undefined).expect(200)).body as {
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    };
    // Every operation that takes a participant id, read off the served document, so a new route
    // is held to this too; each called with a body its validation accepts, so only the id fails.
    const routes = Object.entries(document.paths)
      .filter(([path]) => path.includes('{id}'))
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({
          method: method as 'get' | 'post' | 'patch',
          path,
          route: `${method.toUpperCase()} ${path}`,
          role: (operation['x-roles'] ?? []).find((role) => role in tokens),
        })),
      );
    const validBodies: Record<string, object> = {
      'PATCH /api/participants/{id}': { reason: 'Age mistyped at registration', age: 51 },
      'POST /api/participants/{id}/withdrawal': { reason: 'Consent withdrawn at the visit' },
      'POST /api/participants/{id}/unblinding': {
        reason: 'Serious adverse event, physician must know',
        password: USER_PASSWORD,
      },
      'POST /api/participants/{id}/unblinding/review': {
        decision: 'ACKNOWLEDGED',
        comment: 'Justified',
        password: USER_PASSWORD,
      },
      'POST /api/participants/{id}/blinding-guesses': { guesser: 'ASSESSOR', guess: 'DONT_KNOW' },
      'POST /api/participants/{id}/offline-allocation': {
        envelopeNumber: 'ENV-0001',
        openingCode: 'ABCD-EFGH-JKMN-PQRS',
        openedAt: new Date().toISOString(),
      },
    };
    expect(routes.map(({ route }) => route).sort()).toEqual(
      expect.arrayContaining([
        'GET /api/participants/{id}',
        'PATCH /api/participants/{id}',
        'POST /api/participants/{id}/withdrawal',
        'POST /api/participants/{id}/allocation',
        'GET /api/participants/{id}/allocation',
        'GET /api/participants/{id}/preparation-sheet',
        'POST /api/participants/{id}/offline-allocation',
        'POST /api/participants/{id}/unblinding',
        'POST /api/participants/{id}/unblinding/review',
        'POST /api/participants/{id}/blinding-guesses',
      ]),
    );
    const longId = 'x'.repeat(5000);
    const echo = 'x'.repeat(65);
    const lines: string[] = [];
    const spies = (['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      }),
    );
    const before = (await t.database.auditEntries()).length;
    try {
      for (const { method, path, route, role } of routes) {
        if (!role) throw new Error(`${route}: no test user holds a role it is granted to`);
        const body = validBodies[route];
        const response = await send(
          method,
          path.replace('{id}', longId),
          tokens[role],
          body && json(body),
        );
        expect({ route, status: response.status, body: response.body as unknown }).toEqual({
          route,
          status: 400,
          body: {
            statusCode: 400,
            error: 'Bad Request',
            code: 'VALIDATION_FAILED',
            message:
              'The participant id in the path has 5000 characters; a participant id has at most 64',
          },
        });
        expect(response.text).not.toContain(echo);
        await checkAnswer(response);
        const entry = (await t.database.auditEntries()).at(-1)!;
        expect({ route, entry }).toMatchObject({
          route,
          entry: {
            action: 'REQUEST_REJECTED',
            outcome: 'REJECTED',
            participantId: null,
            reason: (response.body as { message: string }).message,
            details: {
              route: `${method.toUpperCase()} ${path.replace('{id}', ':id')}`,
              status: 400,
              code: 'VALIDATION_FAILED',
              requestedParticipantId: 'x'.repeat(64),
            },
          },
        });
      }
      // Without a token the guard refuses first: its 401 and entry hold no more of the id either.
      const anonymous = await send('get', `/api/participants/${longId}`, undefined).expect(401);
      expect(anonymous.text).not.toContain(echo);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const entries = (await t.database.auditEntries()).slice(before);
    expect(entries.length).toBeGreaterThanOrEqual(routes.length);
    expect(entries.filter((entry) => JSON.stringify(entry).includes(echo))).toEqual([]);
    // The spies saw the server's lines (the access log's, one per request, names the route).
    expect(lines.some((line) => line.includes('/api/participants/:id'))).toBe(true);
    expect(lines.filter((line) => line.includes(echo))).toEqual([]);
  });

  it('refuses on PATCH /api/users/:username a name no user can have with 400, echoing none of it in the body, the audit log or the server log', async () => {
    // Each name holds a marker (zqk, any case) that must appear nowhere after the request.
    const names: [string, string][] = [
      [
        `zqk${'x'.repeat(4997)}`,
        'The username in the path has 5000 characters; a username has at most 64',
      ],
      ...['<b>zqk</b>', 'ZQK-admin', 'zqk\r\nX-Injected: 1', "zqk' OR '1'='1", 'zqk name'].map(
        (name): [string, string] => [
          name,
          'The username in the path is not one a user can have: a username is 2 to 64 lower-case letters, digits, dots, dashes or underscores',
        ],
      ),
    ];
    const lines: string[] = [];
    const spies = (['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      }),
    );
    const before = (await t.database.auditEntries()).length;
    try {
      for (const [name, message] of names) {
        const response = await send(
          'patch',
          `/api/users/${segment(name)}`,
          tokens.admin,
          json({ active: false }),
        );
        expect({ name, status: response.status, body: response.body as unknown }).toEqual({
          name,
          status: 400,
          body: { statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED', message },
        });
        expect(response.text).not.toMatch(/zqk/i);
        await checkAnswer(response);
        expect({ name, entry: (await t.database.auditEntries()).at(-1) }).toMatchObject({
          name,
          entry: {
            action: 'REQUEST_REJECTED',
            outcome: 'REJECTED',
            participantId: null,
            reason: message,
            details: {
              route: 'PATCH /api/users/:username',
              status: 400,
              code: 'VALIDATION_FAILED',
            },
          },
        });
      }
      // A name a user could have but none has is still the service's 404, which may quote it.
      const unknown = await send(
        'patch',
        '/api/users/nobody-here',
        tokens.admin,
        json({ active: false }),
      );
      expect(unknown.status).toBe(404);
      expect((unknown.body as { message: string }).message).toBe('No user named "nobody-here"');
      await checkAnswer(unknown);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const entries = (await t.database.auditEntries()).slice(before);
    expect(entries).toHaveLength(names.length + 1);
    expect(entries.at(-1)).toMatchObject({ action: 'USER_CHANGE_REFUSED', outcome: 'REJECTED' });
    expect(entries.filter((entry) => /zqk/i.test(JSON.stringify(entry)))).toEqual([]);
    // The spies saw the server's lines (the access log's, one per request, names the route).
    expect(lines.some((line) => line.includes('/api/users/:username'))).toBe(true);
    expect(lines.filter((line) => /zqk/i.test(line))).toEqual([]);
  });

  it.each([
    ['an object nested 10,000 deep', nested(10_000, 'object', '{}')],
    ['an array nested 20,000 deep', nested(20_000, 'array', '{}')],
    ['a field nested 5,000 deep', `{"reason":${nested(5_000, 'object')},"password":"x"}`],
  ])('refuses %s with 400 on every body route', async (_label, text) => {
    const body = bodyOf('application/json', text);
    for (const [path, token] of [
      ['/api/auth/login', undefined],
      ['/api/users', tokens.admin],
      ['/api/randomization-list', tokens.statistician],
      ['/api/participants', tokens.pharmacist],
      ['/api/participants/ELA-002/unblinding', tokens.unblinder],
      ['/api/participants/ELA-001/unblinding/review', tokens.reviewer],
      ['/api/study/lock', tokens.admin],
    ] as const) {
      const response = await send('post', path, token, body);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      await checkAnswer(response, body);
    }
    const patched = await send('patch', '/api/users/hostile-target', tokens.admin, body);
    expect(patched.status).toBe(400);
    await checkAnswer(patched, body);
  });

  it.each([
    ['/api/users/hostile-target', { active: null }],
    ['/api/users/hostile-target', { roles: null }],
    ['/api/users/hostile-target', { password: null }],
    ['/api/users/hostile-target', { roles: ['monitor'], active: null }],
    ['/api/participants', { ...registration(trial, 'S-NULL'), strata: null }],
  ])('refuses null for an optional field: %s %j', async (path, body) => {
    const response =
      path === '/api/participants'
        ? await send('post', path, tokens.pharmacist, json(body))
        : await send('patch', path, tokens.admin, json(body));
    expect(response.status).toBe(400);
    await checkAnswer(response);
  });

  it('refuses a body over the limit with 413 before reading it, signed in or not', async () => {
    const text = JSON.stringify({ reason: 'A'.repeat(LIMIT_BYTES) });
    const body = bodyOf('application/json', text, true);
    for (const token of [undefined, tokens.admin]) {
      const response = await send('post', '/api/study/lock', token, body);
      expect(response.status).toBe(413);
      await checkAnswer(response, body);
    }
  });

  it('stores and returns injection strings verbatim, as data', async () => {
    const displayName = `'); DROP TABLE users; -- <script>alert(1)</script> 🙂 \u202E`;
    const created = await send(
      'post',
      '/api/users',
      tokens.admin,
      json({
        username: 'hostile-verbatim',
        password: 'Robert"); DROP TABLE--',
        roles: ['monitor'],
        displayName,
      }),
    );
    await checkAnswer(created);
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const listed = (await send('get', '/api/users', tokens.admin).expect(200)).body as {
      username: string;
      displayName: string | null;
    }[];
    expect(listed.find((user) => user.username === 'hostile-verbatim')?.displayName).toBe(
      displayName,
    );
    await t.login('hostile-verbatim', 'Robert"); DROP TABLE--');
  });

  // Last: a plausible reason locks the study for good, which ends most other writes.
  it('POST /api/study/lock: any body is refused harmlessly (or locks the study once)', () =>
    check(bodies({ reason: longHostileString }), async (payload) =>
      checkAnswer(await send('post', '/api/study/lock', tokens.admin, payload), payload),
    ));

  it('leaves a valid audit chain and an intact database behind', async () => {
    if (t.database.kind === 'sqlite') {
      // PostgreSQL has no such check; its own consistency is the server's, not the file's.
      expect(await t.database.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    }
    expect(await t.database.verifyAudit()).toMatchObject({ valid: true });
  });
});
