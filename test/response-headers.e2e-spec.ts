import type { Response } from 'supertest';
import { ROLES, Role } from '../src/users/role';
import { nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

/**
 * SPEC section 4: no response carries an ETag or any other header derived from its body. Every
 * field of a limb-bearing answer but the limbs can be seen or rebuilt by a blind role, so a body
 * hash in a header (Express's default weak ETag) gives the limb away to anyone who sees headers.
 */

const trial = nctTrial();
const REASON = 'Severe adverse event: the treating physician must know';

/** Headers that differ between any two answers for reasons that have nothing to do with a limb. */
const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id']);

function comparableHeaders(response: Response): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(response.headers as Record<string, unknown>).filter(
      ([name]) => !PER_REQUEST_HEADERS.has(name.toLowerCase()),
    ),
  );
}

function expectNoBodyDerivedHeaders(response: Response, what: string): void {
  const headers = response.headers as Record<string, unknown>;
  expect({ what, etag: headers.etag, lastModified: headers['last-modified'] }).toEqual({
    what,
    etag: undefined,
    lastModified: undefined,
  });
}

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean | undefined> };
}

/** Every GET path the Express router of the running app dispatches (Nest and Swagger UI). */
function getRoutesOf(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  const paths = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route?.methods.get) continue;
    for (const path of [layer.route.path].flat()) paths.add(path);
  }
  return [...paths].sort();
}

describe('Response headers (end to end)', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  /** A participant allocated to each limb: cellLimb → participant id. */
  const byLimb: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    tokens = {} as Record<Role, string>;
    for (const role of ROLES) tokens[role] = await t.userWith(`headers-${role}`, [role]);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', tokens.statistician)
      .send({ seed: 'response-headers-e2e-seed' })
      .expect(201);
    // Blocks of 2 and 4 are balanced, so the first four allocations hold both limbs.
    for (let i = 1; i <= 4 && Object.keys(byLimb).length < 2; i += 1) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', tokens.pharmacist)
        .send(registration(trial, `SCR-H${i}`))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      // The allocation answers themselves are compared below, from a second pair of participants.
      const allocated = await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', tokens.pharmacist)
        .expect(201);
      byLimb[(allocated.body as { cellLimb: string }).cellLimb] ??= id;
    }
    expect(Object.keys(byLimb).sort()).toEqual(['LEFT', 'RIGHT']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers an allocation with the same headers for a LEFT and a RIGHT participant', async () => {
    // Fresh participants, allocated until one of each limb is found; the first answer of each
    // limb is the one compared.
    const first: Record<string, Response> = {};
    for (let i = 1; i <= 4 && Object.keys(first).length < 2; i += 1) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', tokens.pharmacist)
        .send(registration(trial, `SCR-A${i}`))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      const allocated = await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', tokens.pharmacist)
        .expect(201);
      first[(allocated.body as { cellLimb: string }).cellLimb] ??= allocated;
    }
    expect(Object.keys(first).sort()).toEqual(['LEFT', 'RIGHT']);
    expectNoBodyDerivedHeaders(first.LEFT, 'allocation LEFT');
    expect(comparableHeaders(first.LEFT)).toEqual(comparableHeaders(first.RIGHT));
  });

  it.each([
    ['GET', 'allocation'],
    ['HEAD', 'allocation'],
    ['GET', 'preparation-sheet'],
    ['HEAD', 'preparation-sheet'],
  ] as const)(
    'answers %s /api/participants/:id/%s with the same headers for either limb',
    async (method, route) => {
      const answers: Response[] = [];
      for (const limb of ['LEFT', 'RIGHT']) {
        const path = `/api/participants/${byLimb[limb]}/${route}`;
        const request = method === 'GET' ? t.http().get(path) : t.http().head(path);
        const answer = await request.set('Authorization', tokens.pharmacist).expect(200);
        expectNoBodyDerivedHeaders(answer, `${method} ${route} ${limb}`);
        answers.push(answer);
      }
      expect(comparableHeaders(answers[0])).toEqual(comparableHeaders(answers[1]));
    },
  );

  it('answers an unblinding, first and repeated, with the same headers for either limb', async () => {
    for (let round = 0; round < 2; round += 1) {
      const answers: Response[] = [];
      for (const limb of ['LEFT', 'RIGHT']) {
        const answer = await t
          .http()
          .post(`/api/participants/${byLimb[limb]}/unblinding`)
          .set('Authorization', tokens.unblinder)
          .send({ reason: REASON, password: USER_PASSWORD })
          .expect(200);
        expect((answer.body as { cellLimb: string }).cellLimb).toBe(limb);
        expectNoBodyDerivedHeaders(answer, `unblinding ${limb}`);
        answers.push(answer);
      }
      expect(comparableHeaders(answers[0])).toEqual(comparableHeaders(answers[1]));
    }
  });

  it('sends no ETag or Last-Modified on any GET or HEAD route, conditional or not', async () => {
    const routes = getRoutesOf(t);
    expect(routes).toEqual(expect.arrayContaining(['/api/health', '/api/docs']));
    for (const route of routes) {
      const path = route.replace(/:id\b/, byLimb.LEFT).replace(/:username\b/, 'headers-admin');
      for (const role of ROLES) {
        for (const method of ['GET', 'HEAD'] as const) {
          const request = method === 'GET' ? t.http().get(path) : t.http().head(path);
          // A conditional request must not bring a validator back either (nor a 304).
          const answer = await request
            .set('Authorization', tokens[role])
            .set('If-None-Match', '*')
            .set('If-Modified-Since', new Date(0).toUTCString());
          expect({ route, method, role, notModified: answer.status === 304 }).toEqual({
            route,
            method,
            role,
            notModified: false,
          });
          expectNoBodyDerivedHeaders(answer, `${method} ${path} as ${role}`);
        }
      }
    }
  });

  it('serves the Swagger UI assets without ETag or Last-Modified', async () => {
    const page = await t.http().get('/api/docs/').expect(200);
    const assets = [...page.text.matchAll(/(?:src|href)="\.?\/?([^"?#]+)"/g)].map(
      (match) => match[1],
    );
    expect(assets).toEqual(expect.arrayContaining(['swagger-ui-bundle.js', 'swagger-ui.css']));
    for (const asset of assets) {
      for (const method of ['GET', 'HEAD'] as const) {
        const path = `/api/docs/${asset}`;
        const answer = await (method === 'GET' ? t.http().get(path) : t.http().head(path)).expect(
          200,
        );
        expectNoBodyDerivedHeaders(answer, `${method} ${path}`);
      }
    }
  });
});
