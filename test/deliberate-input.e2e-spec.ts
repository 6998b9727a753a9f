import { MIN_CHOSEN_SEED_LENGTH } from '../src/randomization/dto/randomization.dto';
import { ROLES } from '../src/users/role';
import { eligibleAnswers, nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const trial = nctTrial();

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  failed?: string[];
}

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean | undefined> };
}

/** Every route of the running app that takes a body: `['post', '/api/participants']`, ... */
function bodyRoutesOf(t: TestApp): [string, string][] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  const routes: [string, string][] = [];
  for (const layer of express.router.stack) {
    for (const path of [layer.route?.path ?? []].flat()) {
      for (const [method, on] of Object.entries(layer.route?.methods ?? {})) {
        if (on && ['post', 'put', 'patch'].includes(method)) routes.push([method, path]);
      }
    }
  }
  return routes;
}

/** Content types that are not JSON, each with a body a careless client might send. */
const NOT_JSON: [string, string][] = [
  ['application/x-www-form-urlencoded', 'seed=abc'],
  ['text/plain', '{"seed":"a-seed-of-sixteen-chars"}'],
  [
    'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="seed"\r\n\r\nabc\r\n--x--',
  ],
  ['application/xml', '<seed>abc</seed>'],
  ['application/vnd.api+json', '{"seed":"a-seed-of-sixteen-chars"}'],
  ['application/octet-stream', 'seed'],
];

describe('Deliberate input (end to end)', () => {
  let t: TestApp;
  let pharmacist: string;
  let statistician: string;
  let everyRole: string;

  beforeAll(async () => {
    t = await startTestApp();
    pharmacist = await t.userWith('deliberate-pharm', ['pharmacist']);
    statistician = await t.userWith('deliberate-stat', ['statistician']);
    everyRole = await t.userWith('deliberate-all', [...ROLES]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const registeredCount = async (): Promise<number> => {
    const list = await t.http().get('/api/participants').set('Authorization', pharmacist);
    return (list.body as unknown[]).length;
  };

  describe('eligibility answers keyed by the names of JavaScript objects', () => {
    /** A registration body as raw JSON text, so that a "__proto__" key reaches the server as sent. */
    const rawRegistration = (screeningNumber: string, extraKey: string): string => {
      const answers = JSON.stringify(eligibleAnswers(trial)).slice(0, -1);
      return `{"screeningNumber":"${screeningNumber}","age":50,"eligibility":${answers},"${extraKey}":true}}`;
    };

    it.each(['inc-typo', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
      'refuses an answer keyed %s with 400 as an unknown criterion, and registers no one',
      async (key) => {
        const before = await registeredCount();
        const response = await t
          .http()
          .post('/api/participants')
          .set('Authorization', pharmacist)
          .set('Content-Type', 'application/json')
          .send(rawRegistration(`SCR-KEY-${key}`, key))
          .expect(400);
        expect(response.body as ErrorBody).toMatchObject({
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: `eligibility.${key} is not a criterion of this trial`,
        });
        expect(await registeredCount()).toBe(before);
      },
    );
  });

  describe('an age outside the range', () => {
    it.each([
      [71, 'age 71: the trial admits 18 to 70'],
      [17, 'age 17: the trial admits 18 to 70'],
    ])('refuses age %d with 422 and a message that names the range', async (age, phrase) => {
      const response = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, `SCR-AGE-${age}`, { age }))
        .expect(422);
      const body = response.body as ErrorBody;
      expect(body).toMatchObject({ code: 'NOT_ELIGIBLE', failed: ['age'] });
      expect(body.message).toBe(`The participant is not eligible: ${phrase}`);
    });

    it('names every failed criterion after the age', async () => {
      const eligibility = { ...eligibleAnswers(trial), 'inc-adherence': false, 'exc-stroke': true };
      const response = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-AGE-MANY', { age: 80, eligibility }))
        .expect(422);
      expect(response.body as ErrorBody).toMatchObject({
        failed: ['age', 'inc-adherence', 'exc-stroke'],
        message:
          'The participant is not eligible: age 80: the trial admits 18 to 70; ' +
          'inc-adherence: not met; exc-stroke: applies',
      });
    });
  });

  it('refuses U+0000 in a path, a query or a body with 400, on either database, and audits it', async () => {
    for (const call of [
      t.http().get('/api/participants/ELA%00001').set('Authorization', everyRole),
      t.http().get('/api/audit-log?actor=x%00').set('Authorization', everyRole),
      t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-\u0000-NUL')),
    ]) {
      const response = await call.expect(400);
      expect(response.body as ErrorBody).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((response.body as ErrorBody).message).toMatch(/U\+0000/);
    }
    const refusals = await t.database.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM audit_entries WHERE outcome <> 'SUCCESS' AND reason LIKE '%U+0000%'",
    );
    expect(Number(refusals[0].n)).toBeGreaterThanOrEqual(3);
  });

  describe('request bodies only as application/json', () => {
    const listGenerated = async (): Promise<boolean> => {
      const trialView = await t.http().get('/api/trial').set('Authorization', statistician);
      return (trialView.body as { list: { generated: boolean } }).list.generated;
    };

    it('refuses the form body that curl -d sends with 415, and generates no list', async () => {
      const response = await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .type('form')
        .send('seed=abc')
        .expect(415);
      expect(response.body as ErrorBody).toMatchObject({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
      expect(await listGenerated()).toBe(false);
    });

    it('answers 415 to every non-JSON content type on every route that takes a body', async () => {
      const routes = bodyRoutesOf(t);
      expect(routes).toEqual(
        expect.arrayContaining([
          ['post', '/api/randomization-list'],
          ['post', '/api/participants/:id/allocation'],
          ['patch', '/api/users/:username'],
        ]),
      );
      for (const [method, route] of routes) {
        const path = route.replace(':id', 'ELA-001').replace(':username', 'deliberate-pharm');
        for (const [contentType, body] of NOT_JSON) {
          const call = method === 'patch' ? t.http().patch(path) : t.http().post(path);
          const response = await call
            .set('Authorization', everyRole)
            .set('Content-Type', contentType)
            .send(body);
          expect({ method, path, contentType, status: response.status }).toEqual({
            method,
            path,
            contentType,
            status: 415,
          });
          expect((response.body as ErrorBody).code).toBe('UNSUPPORTED_MEDIA_TYPE');
        }
      }
      expect(await listGenerated()).toBe(false);
    });

    it('refuses a body sent without any Content-Type, of known or unknown length', async () => {
      const known = await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send(Buffer.from('{"seed":"a-seed-of-sixteen-chars"}'));
      expect(known.request.getHeader('Content-Type')).toBeUndefined();
      expect(known.status).toBe(415);
      // Chunked, with no length announced: the server has to look at the body to tell.
      const chunked = t.http().post('/api/randomization-list').set('Authorization', statistician);
      chunked.write('seed=abc');
      const answer = await chunked;
      expect(answer.status).toBe(415);
      expect(await listGenerated()).toBe(false);
    });

    it('takes a bodiless POST with no Content-Type, an empty JSON one, and JSON with a charset', async () => {
      // No list yet: the allocation gets as far as its own rule (409 NO_LIST), not a 415.
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-BODILESS'))
        .expect(201);
      for (const contentType of [undefined, 'application/json']) {
        const call = t
          .http()
          .post('/api/participants/ELA-001/allocation')
          .set('Authorization', pharmacist);
        const response = await (contentType ? call.set('Content-Type', contentType) : call);
        expect({ contentType, code: (response.body as ErrorBody).code }).toEqual({
          contentType,
          code: 'NO_LIST',
        });
      }
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify(registration(trial, 'SCR-CHARSET')))
        .expect(201);
      expect(registered.body).toMatchObject({ status: 'REGISTERED' });
    });
  });

  describe('a chosen seed', () => {
    const generate = (body: object) =>
      t.http().post('/api/randomization-list').set('Authorization', statistician).send(body);

    it.each([
      ['one character short', 'x'.repeat(MIN_CHOSEN_SEED_LENGTH - 1)],
      ["Swagger UI's placeholder", 'string'],
      ['a word', 'abc'],
    ])('refuses a seed that is %s with 400, naming the minimum', async (_what, seed) => {
      const response = await generate({ seed }).expect(400);
      expect(response.body as ErrorBody).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining(
          `seed must have at least ${MIN_CHOSEN_SEED_LENGTH} characters`,
        ) as string,
      });
    });

    it('takes a seed of the minimum length, and the audit says it was chosen, not what it is', async () => {
      const seed = 'q7-Vz!m2#pL9@xR4';
      expect(seed).toHaveLength(MIN_CHOSEN_SEED_LENGTH);
      await generate({ seed }).expect(201);
      const entry = (await t.database.auditEntries()).find((e) => e.action === 'LIST_GENERATED');
      expect(entry?.details).toMatchObject({ seedSource: 'chosen' });
      expect(JSON.stringify(entry)).not.toContain(seed);
    });
  });

  it('records a drawn seed as drawn', async () => {
    const other = await startTestApp();
    try {
      const stat = await other.userWith('drawn-stat', ['statistician']);
      await other.http().post('/api/randomization-list').set('Authorization', stat).expect(201);
      const entry = (await other.database.auditEntries()).find(
        (e) => e.action === 'LIST_GENERATED',
      );
      expect(entry?.details).toMatchObject({ seedSource: 'drawn' });
    } finally {
      await other.close();
    }
  });

  describe('the OpenAPI document', () => {
    /** Every `example` in the document, with where it is. */
    function examplesOf(value: unknown, where: string, found: [string, unknown][] = []) {
      if (typeof value !== 'object' || value === null) return found;
      for (const [key, item] of Object.entries(value)) {
        if (key === 'example' || key === 'examples') found.push([where, item]);
        examplesOf(item, `${where}.${key}`, found);
      }
      return found;
    }

    it('has no example that names a limb or a side, and none for the seed', async () => {
      const document = (await t.http().get('/api/docs-json').expect(200)).body as {
        components: { schemas: Record<string, { properties?: Record<string, object> }> };
      };
      const examples = examplesOf(document, '$');
      expect(examples.length).toBeGreaterThan(5);
      const naming = examples.filter(([, example]) =>
        /\b(left|right|izquierd[ao]|derech[ao])\b/i.test(JSON.stringify(example)),
      );
      expect(naming).toEqual([]);
      const seed = document.components.schemas.GenerateListDto.properties?.seed;
      expect(seed).toMatchObject({ minLength: MIN_CHOSEN_SEED_LENGTH });
      expect(examplesOf(seed, 'seed')).toEqual([]);
    });
  });
});
