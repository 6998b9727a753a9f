import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Response } from 'supertest';
import { buildDocumentWithoutServer, REPO_ROOT } from '../scripts/openapi-document';
import { resolverFor, Schema, schemaProblems } from './support/openapi-schema';
import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

/**
 * The OpenAPI document served at /api/docs-json (issue 13 item 5): the lint rules it keeps
 * (Redocly's recommended set and Spectral's OWASP rules that apply here, checked by this test
 * itself: neither linter can be installed for CI), every answer of every route held to its
 * documented schema, and the web interface's types generated from it without drift.
 */

const API_TYPES_FILE = join(REPO_ROOT, 'web', 'src', 'api', 'schema.d.ts');
const API_TYPES_COMMAND = 'npm run api-types';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const trial = nctTrial();
const TARGET_IDS = trial.allocation.targets.map((target) => target.id);

interface MediaType {
  schema?: Schema;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, MediaType>;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema & { format?: string };
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}
interface Document {
  info: { license?: { name: string } };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  security?: Record<string, string[]>[];
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes?: Record<string, Record<string, string>>;
  };
}
interface Located {
  route: string;
  operation: Operation;
}

function operationsOf(document: Document): Located[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ route: `${method.toUpperCase()} ${path}`, operation }] : [];
    }),
  );
}

const isPublic = (operation: Operation) => operation['x-roles']?.includes('public') ?? false;
const successesOf = (operation: Operation) =>
  Object.entries(operation.responses).filter(([status]) => /^2/.test(status));

/** Every schema reachable from `schema`, refs followed once each. */
function reachable(schema: Schema | undefined, document: Document, seen = new Set<string>()) {
  const found: Schema[] = [];
  const visit = (node: Schema | undefined) => {
    if (!node) return;
    if (node.$ref) {
      if (seen.has(node.$ref)) return;
      seen.add(node.$ref);
      visit(resolverFor(document)(node.$ref));
      return;
    }
    found.push(node);
    Object.values(node.properties ?? {}).forEach(visit);
    visit(node.items);
    node.allOf?.forEach(visit);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties);
  };
  visit(schema);
  return found;
}

/** Property names under `schema` whose schema lists a trial target or whose name says limb. */
function targetProperties(schema: Schema | undefined, document: Document): string[] {
  return reachable(schema, document).flatMap((node) =>
    Object.entries(node.properties ?? {})
      .filter(
        ([name, property]) =>
          /limb/i.test(name) || (property.enum ?? []).some((v) => TARGET_IDS.includes(String(v))),
      )
      .map(([name]) => name),
  );
}

/** What `npm run api-types` would write, printed by the same script in a child Node process. */
async function regeneratedApiTypes(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'scripts/api-types.ts', '--stdout'],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

describe('OpenAPI document (end to end)', () => {
  let t: TestApp;
  let document: Document;
  let operations: Located[];

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http().get('/api/docs-json').expect(200)).body as Document;
    operations = operationsOf(document);
  });
  afterAll(() => t?.close());

  describe('lint rules (Redocly recommended, Spectral OWASP where they apply)', () => {
    it('gives every operation a unique operationId, a summary and a tag described at the top', () => {
      const declaredTags = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
      const problems = operations.flatMap(({ route, operation }) => [
        ...(operation.operationId ? [] : [`${route}: no operationId`]),
        ...(operation.summary?.trim() ? [] : [`${route}: no summary`]),
        ...(operation.tags?.length ? [] : [`${route}: no tag`]),
        ...(operation.tags ?? [])
          .filter((tag) => !declaredTags.get(tag))
          .map((tag) => `${route}: tag "${tag}" not declared with a description`),
      ]);
      expect(problems).toEqual([]);
      const ids = operations.map(({ operation }) => operation.operationId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(operations.length).toBeGreaterThanOrEqual(26);
    });

    it('documents the success answer of every operation: a schema for each body, 204 with none', () => {
      const problems = operations.flatMap(({ route, operation }) => {
        const successes = successesOf(operation);
        if (successes.length !== 1) return [`${route}: ${successes.length} success answers`];
        const [status, response] = successes[0];
        if (status === '204') return response.content ? [`${route}: 204 with a body`] : [];
        const media = Object.entries(response.content ?? {});
        if (media.length === 0) return [`${route}: ${status} documents no body`];
        return media.flatMap(([type, { schema }]) => {
          if (!schema) return [`${route}: ${type} has no schema`];
          if (type === 'application/json' && !schema.$ref && !schema.type)
            return [`${route}: ${type} schema has neither $ref nor type`];
          return [];
        });
      });
      expect(problems).toEqual([]);
      const mediaOf = (route: string) =>
        Object.keys(
          successesOf(operations.find((o) => o.route === route)!.operation)[0][1].content ?? {},
        );
      expect(mediaOf('GET /api/participants/{id}/preparation-sheet')).toEqual(['text/html']);
      expect(mediaOf('GET /api/audit-log').sort()).toEqual([
        'application/json',
        'application/x-ndjson',
        'text/csv',
      ]);
      expect(mediaOf('POST /api/auth/logout')).toEqual([]);
    });

    it('documents the error body for the 4xx and 500 answers, 401 on secured operations, 429 on sign-in', () => {
      const errorBody = { $ref: '#/components/schemas/ErrorBody' };
      const base = document.components.schemas.ErrorBody;
      const baseCodes = base.properties?.code?.enum ?? [];
      // The error body itself, or a refinement of it (one code, extra fields such as `failed`).
      const isErrorBody = (schema: Schema | undefined): boolean => {
        if (!schema) return false;
        if (schema.$ref === errorBody.$ref) return true;
        const refined = schema.$ref ? resolverFor(document)(schema.$ref) : schema;
        const codes = refined.properties?.code?.enum ?? [];
        return (
          (base.required ?? []).every((field) => refined.required?.includes(field)) &&
          codes.length > 0 &&
          codes.every((code) => baseCodes.includes(code))
        );
      };
      const problems = operations.flatMap(({ route, operation }) => {
        const refusals = Object.entries(operation.responses).filter(([status]) =>
          /^[45]/.test(status),
        );
        return [
          ...(refusals.some(([status]) => /^4/.test(status)) ? [] : [`${route}: no 4xx answer`]),
          ...(operation.responses['500'] ? [] : [`${route}: no 500 answer`]),
          ...(isPublic(operation) || operation.responses['401'] ? [] : [`${route}: no 401`]),
          ...refusals
            .filter(([, r]) => !isErrorBody(r.content?.['application/json']?.schema))
            .map(([status]) => `${route}: ${status} without the error body`),
        ];
      });
      expect(problems).toEqual([]);
      const login = operations.find((o) => o.route === 'POST /api/auth/login')!.operation;
      expect(login.responses['429']?.content?.['application/json']?.schema).toEqual(errorBody);
    });

    it('secures every operation that is not public with the bearer JWT scheme, and marks the public ones', () => {
      expect(document.security).toEqual([{ bearer: [] }]);
      expect(document.components.securitySchemes?.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: expect.stringContaining('RFC8725') as string,
      });
      const problems = operations.flatMap(({ route, operation }) => {
        const roles = operation['x-roles'] ?? [];
        if (roles.length === 0) return [`${route}: no x-roles`];
        const security = JSON.stringify(operation.security ?? document.security);
        if (isPublic(operation))
          return security === '[]' ? [] : [`${route}: public, security ${security}`];
        return security === '[{"bearer":[]}]' ? [] : [`${route}: secured, security ${security}`];
      });
      expect(problems).toEqual([]);
      expect(
        operations
          .filter(({ operation }) => isPublic(operation))
          .map(({ route }) => route)
          .sort(),
      ).toEqual([
        'GET /api/health',
        'GET /api/health/live',
        'GET /api/health/ready',
        'POST /api/auth/login',
      ]);
    });

    it('has a server and a license, every $ref resolves and every component is used', () => {
      expect(document.servers?.length).toBeGreaterThan(0);
      expect(document.info.license?.name).toBe('Apache-2.0');
      const text = JSON.stringify({ paths: document.paths, components: document.components });
      const refs = new Set([...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]));
      const resolve = resolverFor(document);
      expect(
        [...refs].filter((ref) => {
          try {
            resolve(ref);
            return false;
          } catch {
            return true;
          }
        }),
      ).toEqual([]);
      const unused = Object.keys(document.components.schemas).filter(
        (name) => !refs.has(`#/components/schemas/${name}`),
      );
      expect(unused).toEqual([]);
    });

    it('bounds every string and array a client sends, and every integer query parameter', () => {
      const problems: string[] = [];
      for (const { route, operation } of operations) {
        const bodySchema = operation.requestBody?.content['application/json']?.schema;
        const sent = [
          ...reachable(bodySchema, document).map((schema) => ['body', schema] as const),
          ...(operation.parameters ?? []).map(
            (p) => [`${p.in} ${p.name}`, p.schema ?? {}] as const,
          ),
        ];
        for (const [where, schema] of sent) {
          const s = schema as Schema & { format?: string };
          if (
            s.type === 'string' &&
            s.maxLength === undefined &&
            !s.enum &&
            s.format !== 'date-time'
          )
            problems.push(`${route} ${where}: a string without maxLength or enum`);
          if (s.type === 'array' && s.maxItems === undefined)
            problems.push(`${route} ${where}: an array without maxItems`);
          if (
            s.type === 'integer' &&
            (!s.format || s.minimum === undefined || s.maximum === undefined)
          )
            problems.push(`${route} ${where}: an integer without format, minimum and maximum`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('names the trial’s targets only in the answers that reveal an allocation', () => {
      const revealing = operations
        .filter(({ operation }) =>
          successesOf(operation).some(([, response]) =>
            Object.values(response.content ?? {}).some(
              ({ schema }) => targetProperties(schema, document).length > 0,
            ),
          ),
        )
        .map(({ operation }) => operation.operationId)
        .sort();
      // getBlindingAssessment: per-arm counts, to the statistician after lock only.
      expect(revealing).toEqual([
        'allocate',
        'exportList',
        'getAllocation',
        'getBlindingAssessment',
        'recordOfflineAllocation',
        'unblind',
      ]);
      const schemas = document.components.schemas;
      for (const [schema, property] of [
        ['AllocationDto', 'cellLimb'],
        ['OfflineAllocationDto', 'cellLimb'],
        ['UnblindingDto', 'cellLimb'],
        ['SyringeDto', 'limb'],
        ['ExportedSlotDto', 'limb'],
        ['ArmIndexDto', 'arm'],
      ])
        expect(schemas[schema].properties?.[property]?.enum).toEqual(TARGET_IDS);
      for (const schema of ['AllocationDto', 'OfflineAllocationDto', 'UnblindingDto'])
        expect(schemas[schema].properties?.salineLimb).toMatchObject({
          nullable: true,
          enum: [...TARGET_IDS, null],
        });
    });
  });

  // Before the answers below: their last steps lock the study, which refuses registrations.
  describe('every refusal matches the documented error body', () => {
    let refusals = 0;
    it.each([
      ['no token', 'GET', '/api/auth/me', undefined, 401],
      ['wrong password', 'POST', '/api/auth/login', { username: 'admin', password: 'wrong' }, 401],
      ['a bad body', 'POST', '/api/study/lock', { reason: 'short' }, 400],
      ['an unknown participant', 'GET', '/api/participants/ELA-999', undefined, 404],
      ['an ineligible participant', 'POST', '/api/participants', 'ineligible', 422],
    ] as const)('%s', async (_what, method, path, body, status) => {
      const admin = await t.login('admin', ADMIN_PASSWORD);
      const investigator = await t.userWith(`refusal-${++refusals}`, ['investigator']);
      let call = t.http()[method === 'GET' ? 'get' : 'post'](path);
      if (path !== '/api/auth/me' && path !== '/api/auth/login')
        call = call.set('Authorization', path === '/api/participants' ? investigator : admin);
      const sent =
        body === 'ineligible'
          ? registration(trial, `SCR-NO-${status}`, { age: 5 })
          : (body ?? undefined);
      const response = sent ? await call.send(sent) : await call;
      expect(response.status).toBe(status);
      const operation = operations.find(
        ({ route }) => route === `${method} ${path.replace(/ELA-999$/, '{id}')}`,
      )!.operation;
      const documented = operation.responses[String(status)] ?? operation.responses['4XX'];
      const schema = documented.content?.['application/json']?.schema;
      expect(schema).toEqual({
        $ref: `#/components/schemas/${status === 422 ? 'NotEligibleBodyDto' : 'ErrorBody'}`,
      });
      expect(schemaProblems(response.body, schema!, resolverFor(document))).toEqual([]);
      if (status === 422) expect((response.body as { failed: string[] }).failed).toEqual(['age']);
    });
  });

  describe('every answer matches its documented schema', () => {
    const covered = new Set<string>();

    /** Holds one real answer to the schema its operation documents for that status and type. */
    function expectDocumented(operationId: string, response: Response) {
      const found = operations.find(({ operation }) => operation.operationId === operationId);
      if (!found) throw new Error(`no operation ${operationId}`);
      const documented = found.operation.responses[String(response.status)];
      expect({ operationId, status: response.status, documented: Boolean(documented) }).toEqual({
        operationId,
        status: response.status,
        documented: true,
      });
      covered.add(operationId);
      if (response.status === 204) {
        expect(documented.content).toBeUndefined();
        expect(response.text ?? '').toBe('');
        return;
      }
      const type = String(response.headers['content-type']).split(';')[0].trim();
      const media = documented.content?.[type];
      expect({ operationId, type, documented: Boolean(media?.schema) }).toEqual({
        operationId,
        type,
        documented: true,
      });
      const body: unknown = type === 'application/json' ? response.body : response.text;
      expect({
        operationId,
        problems: schemaProblems(body, media!.schema!, resolverFor(document)),
      }).toEqual({ operationId, problems: [] });
    }

    it('checks each answer closely: the checker refuses an extra, a missing, a mistyped or a null field', () => {
      const resolve = resolverFor(document);
      const participant = { $ref: '#/components/schemas/BlindedParticipantDto' };
      const valid = {
        participantId: 'ELA-001',
        screeningNumber: 'SCR-1',
        status: 'ALLOCATED',
        stratum: 'all',
        registeredAt: '2026-01-01T00:00:00.000Z',
        registeredBy: 'inv',
        allocatedAt: null,
        seal: { unblinded: false, at: null, by: null, reason: null },
        withdrawal: { withdrawn: false, at: null, by: null, reason: null },
      };
      expect(schemaProblems(valid, participant, resolve)).toEqual([]);
      expect(schemaProblems({ ...valid, cellLimb: 'LEFT' }, participant, resolve)).toEqual([
        '$.cellLimb: not in the schema',
      ]);
      const withoutSeal: Partial<typeof valid> = { ...valid };
      delete withoutSeal.seal;
      expect(schemaProblems(withoutSeal, participant, resolve)).toEqual([
        '$.seal: required, missing',
      ]);
      expect(schemaProblems({ ...valid, status: 'SEALED' }, participant, resolve)).toHaveLength(1);
      expect(schemaProblems({ ...valid, screeningNumber: null }, participant, resolve)).toEqual([
        '$.screeningNumber: null is not allowed',
      ]);
      expect(
        schemaProblems(
          { ...valid, seal: { ...valid.seal, unblinded: 'no' } },
          participant,
          resolve,
        ),
      ).toEqual(['$.seal.unblinded: expected boolean, got "no"']);
    });

    it('holds a real answer of every operation, called as a role it is granted to, to its schema', async () => {
      const http = t.http;
      const admin = await t.login('admin', ADMIN_PASSWORD);
      expectDocumented('getHealth', await http().get('/api/health'));
      expectDocumented('getLiveness', await http().get('/api/health/live'));
      expectDocumented('getReadiness', await http().get('/api/health/ready'));
      expectDocumented(
        'login',
        await http().post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD }),
      );
      expectDocumented(
        'getCurrentUser',
        await http().get('/api/auth/me').set('Authorization', admin),
      );
      const created = await http()
        .post('/api/users')
        .set('Authorization', admin)
        .send({ username: 'doc-statistician', password: USER_PASSWORD, roles: ['statistician'] });
      expectDocumented('createUser', created);
      const statistician = await t.login('doc-statistician');
      const pharmacist = await t.userWith('doc-pharmacist', ['pharmacist']);
      const investigator = await t.userWith('doc-investigator', ['investigator']);
      const unblinder = await t.userWith('doc-unblinder', ['unblinder']);
      const monitor = await t.userWith('doc-monitor', ['monitor']);
      expectDocumented('getMetrics', await http().get('/api/metrics').set('Authorization', admin));
      expectDocumented('listUsers', await http().get('/api/users').set('Authorization', admin));
      expectDocumented(
        'updateUser',
        await http()
          .patch('/api/users/doc-monitor')
          .set('Authorization', admin)
          .send({ displayName: 'Monitor' }),
      );
      expectDocumented('getTrial', await http().get('/api/trial').set('Authorization', monitor));
      expectDocumented(
        'simulateList',
        await http()
          .post('/api/randomization-list/simulation')
          .set('Authorization', statistician)
          .send({ runs: 20 }),
      );
      expectDocumented(
        'generateList',
        await http().post('/api/randomization-list').set('Authorization', statistician).send({}),
      );
      const registered = await http()
        .post('/api/participants')
        .set('Authorization', investigator)
        .send(registration(trial, 'SCR-DOC-1'));
      expectDocumented('registerParticipant', registered);
      const id = (registered.body as { participantId: string }).participantId;
      expectDocumented(
        'listParticipants',
        await http().get('/api/participants').set('Authorization', monitor),
      );
      expectDocumented(
        'getParticipant',
        await http().get(`/api/participants/${id}`).set('Authorization', monitor),
      );
      expectDocumented(
        'correctRegistration',
        await http()
          .patch(`/api/participants/${id}`)
          .set('Authorization', investigator)
          .send({ reason: 'Age mistyped at registration', age: 51 }),
      );
      const other = await http()
        .post('/api/participants')
        .set('Authorization', investigator)
        .send(registration(trial, 'SCR-DOC-2'));
      expectDocumented(
        'withdrawParticipant',
        await http()
          .post(
            `/api/participants/${(other.body as { participantId: string }).participantId}/withdrawal`,
          )
          .set('Authorization', pharmacist)
          .send({ reason: 'Consent withdrawn at the visit' }),
      );
      expectDocumented(
        'allocate',
        await http().post(`/api/participants/${id}/allocation`).set('Authorization', pharmacist),
      );
      expectDocumented(
        'getAllocation',
        await http().get(`/api/participants/${id}/allocation`).set('Authorization', pharmacist),
      );
      expectDocumented(
        'getPreparationSheet',
        await http()
          .get(`/api/participants/${id}/preparation-sheet`)
          .set('Authorization', pharmacist),
      );
      expectDocumented(
        'issueDowntimeEnvelopes',
        await http()
          .post('/api/downtime-envelopes')
          .set('Authorization', statistician)
          .send({ perStratum: 2 }),
      );
      expectDocumented(
        'listDowntimeEnvelopes',
        await http().get('/api/downtime-envelopes').set('Authorization', pharmacist),
      );
      const page = await http()
        .post('/api/downtime-envelopes/ENV-0001/print')
        .set('Authorization', pharmacist);
      expectDocumented('printDowntimeEnvelope', page);
      const openingCode = /Opening code: <strong>([0-9A-Z-]+)<\/strong>/.exec(page.text)?.[1] ?? '';
      const offline = await http()
        .post('/api/participants')
        .set('Authorization', investigator)
        .send(registration(trial, 'SCR-DOC-3'));
      expectDocumented(
        'recordOfflineAllocation',
        await http()
          .post(
            `/api/participants/${(offline.body as { participantId: string }).participantId}/offline-allocation`,
          )
          .set('Authorization', pharmacist)
          .send({ envelopeNumber: 'ENV-0001', openingCode, openedAt: new Date().toISOString() }),
      );
      expectDocumented(
        'voidDowntimeEnvelope',
        await http()
          .post('/api/downtime-envelopes/ENV-0002/void')
          .set('Authorization', statistician)
          .send({ reason: 'Envelope lost on the way to the ward' }),
      );
      expectDocumented(
        'getParticipant',
        await http().get(`/api/participants/${id}`).set('Authorization', investigator),
      );
      const assessor = await t.userWith('doc-assessor', ['assessor']);
      expectDocumented(
        'recordBlindingGuess',
        await http()
          .post(`/api/participants/${id}/blinding-guesses`)
          .set('Authorization', assessor)
          .send({ guesser: 'ASSESSOR', guess: 'DONT_KNOW' }),
      );
      expectDocumented(
        'unblind',
        await http()
          .post(`/api/participants/${id}/unblinding`)
          .set('Authorization', unblinder)
          .send({ reason: 'Serious adverse event, physician must know', password: USER_PASSWORD }),
      );
      expectDocumented(
        'reviewUnblinding',
        await http()
          .post(`/api/participants/${id}/unblinding/review`)
          .set('Authorization', admin)
          .send({ decision: 'ACKNOWLEDGED', comment: 'Justified', password: ADMIN_PASSWORD }),
      );
      expectDocumented(
        'listUnblindings',
        await http().get('/api/unblindings').set('Authorization', monitor),
      );
      expectDocumented(
        'getBlindingRegister',
        await http().get('/api/blinding-register').set('Authorization', monitor),
      );
      for (const format of ['json', 'csv', 'ndjson']) {
        expectDocumented(
          'exportAuditLog',
          await http()
            .get('/api/audit-log')
            .query({ format, limit: 5 })
            .set('Authorization', monitor),
        );
      }
      expectDocumented(
        'verifyAuditLog',
        await http().get('/api/audit-log/verify').set('Authorization', monitor),
      );
      expectDocumented(
        'getAuditCheckpoint',
        await http().get('/api/audit-log/checkpoint').set('Authorization', monitor),
      );
      const session = await t.login('doc-investigator');
      const refreshed = await http().post('/api/auth/refresh').set('Authorization', session);
      expectDocumented('refreshSession', refreshed);
      const token = `Bearer ${(refreshed.body as { accessToken: string }).accessToken}`;
      expectDocumented('logout', await http().post('/api/auth/logout').set('Authorization', token));
      expectDocumented(
        'lockStudy',
        await http()
          .post('/api/study/lock')
          .set('Authorization', admin)
          .send({ reason: 'Last participant completed follow-up' }),
      );
      expectDocumented(
        'getBlindingAssessment',
        await http().get('/api/blinding-assessment').set('Authorization', statistician),
      );
      expectDocumented(
        'exportList',
        await http().get('/api/randomization-list/export').set('Authorization', statistician),
      );
      // A clinical instance: the documented 409 TRAINING_ONLY (training-mode.e2e-spec.ts resets one).
      expectDocumented(
        'resetTrainingList',
        await http()
          .post('/api/randomization-list/reset')
          .set('Authorization', admin)
          .send({ reason: 'Not on a clinical list' }),
      );
      expectDocumented(
        'exportListCsv',
        await http().get('/api/randomization-list/export/csv').set('Authorization', statistician),
      );
      expectDocumented(
        'getListReport',
        await http().get('/api/randomization-list/report').set('Authorization', statistician),
      );

      const all = operations.map(({ operation }) => operation.operationId).sort();
      expect([...covered].sort()).toEqual(all);
    });
  });

  describe('the web interface’s generated types', () => {
    it('are built from a document identical to the served one, with no time or random value in it', async () => {
      expect(await buildDocumentWithoutServer()).toEqual(document);
      const again = (await t.http().get('/api/docs-json').expect(200)).body as Document;
      expect(JSON.stringify(again)).toBe(JSON.stringify(document));
    });

    it(`are up to date: web/src/api/schema.d.ts is what \`${API_TYPES_COMMAND}\` writes`, async () => {
      const expected = await regeneratedApiTypes();
      expect(expected).toMatch(/^export interface paths \{/m);
      const committed = existsSync(API_TYPES_FILE) ? readFileSync(API_TYPES_FILE, 'utf8') : '';
      if (committed !== expected) {
        throw new Error(
          `web/src/api/schema.d.ts differs from the served OpenAPI document: run \`${API_TYPES_COMMAND}\` and commit the file`,
        );
      }
    });
  });
});
