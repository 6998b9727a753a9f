import { nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The API additions that the web interface needs (issue 13 item 5, SPEC section 4): the
 * participants search by screening number, paging of the audit log, the design simulation.
 */

const trial = nctTrial();

interface BlindedParticipant {
  participantId: string;
  screeningNumber: string;
  status: string;
}

interface OpenApiOperation {
  'x-roles'?: string[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

describe('API additions for the web interface (end to end)', () => {
  let t: TestApp;
  let investigator: string;
  let monitor: string;
  let document: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp();
    investigator = await t.userWith('add-investigator', ['investigator']);
    monitor = await t.userWith('add-monitor', ['monitor']);
    for (const screening of ['SCR-A-1', 'SCR-A-2', 'SCR-A-3']) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', investigator)
        .send(registration(trial, screening))
        .expect(201);
    }
    document = (await t.http().get('/api/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => t?.close());

  describe('GET /api/participants?screeningNumber=', () => {
    it('answers only the participant with that screening number, blinded, to any role', async () => {
      for (const token of [investigator, monitor]) {
        const response = await t
          .http()
          .get('/api/participants')
          .query({ screeningNumber: 'SCR-A-2' })
          .set('Authorization', token)
          .expect(200);
        const found = response.body as BlindedParticipant[];
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ screeningNumber: 'SCR-A-2', status: 'REGISTERED' });
        expect(JSON.stringify(found)).not.toMatch(/cellLimb|salineLimb|slot/);
      }
      const all = (
        await t.http().get('/api/participants').set('Authorization', monitor).expect(200)
      ).body as BlindedParticipant[];
      expect(all.map((p) => p.screeningNumber)).toEqual(['SCR-A-1', 'SCR-A-2', 'SCR-A-3']);
    });

    it('matches the whole screening number exactly and answers an empty array when none has it', async () => {
      for (const screeningNumber of ['SCR-A-9', 'SCR-A', 'scr-a-2', 'SCR-A-1/']) {
        const response = await t
          .http()
          .get('/api/participants')
          .query({ screeningNumber })
          .set('Authorization', monitor)
          .expect(200);
        expect({ screeningNumber, body: response.body as unknown }).toEqual({
          screeningNumber,
          body: [],
        });
      }
    });

    it('refuses a malformed, empty or repeated screening number with 400 VALIDATION_FAILED', async () => {
      for (const query of [
        'screeningNumber=',
        'screeningNumber=%20SCR',
        `screeningNumber=${'9'.repeat(65)}`,
        "screeningNumber=SCR'%20OR%201=1",
        'screeningNumber=SCR-A-1&screeningNumber=SCR-A-2',
        'unknown=1',
      ]) {
        const response = await t
          .http()
          .get(`/api/participants?${query}`)
          .set('Authorization', monitor);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      }
    });

    it('documents the parameter and the response schema in OpenAPI', () => {
      const operation = document.paths['/api/participants'].get;
      expect(operation.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'screeningNumber', in: 'query' })]),
      );
      expect(operation.responses['200'].content?.['application/json']?.schema).toEqual({
        type: 'array',
        items: { $ref: '#/components/schemas/BlindedParticipantDto' },
      });
    });
  });
});
