import type { Response } from 'supertest';
import { ChainedAuditEntry, verifyChain } from '../src/audit/audit-chain';
import { reportedCounts, simulateDesign } from '../src/randomization/list-simulation';
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
  responses: Record<
    string,
    { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }
  >;
}

const totalOf = (response: Response): number | undefined =>
  response.headers['x-total-count'] === undefined
    ? undefined
    : Number(response.headers['x-total-count']);
const nextOf = (response: Response): number | undefined =>
  response.headers['x-next-after-seq'] === undefined
    ? undefined
    : Number(response.headers['x-next-after-seq']);

interface ListSimulation {
  source: string;
  runs: number;
  seed: string;
  slots: number;
  enrolments: {
    enrolled: number;
    meanImbalance: number;
    maxImbalance: number;
    imbalanceShare: number[];
  }[];
  expectedCorrectGuesses: number;
  correctGuessShare: number;
  chanceShare: number;
  meanBlocksPerList: { size: number; mean: number }[];
}

/** How many entries of this action the log holds (X-Total-Count of a one-entry page). */
async function exportCount(t: TestApp, token: string, action: string): Promise<number | undefined> {
  const response = await t
    .http()
    .get('/api/audit-log')
    .query({ action, limit: 1 })
    .set('Authorization', token)
    .expect(200);
  return totalOf(response);
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

  describe('GET /api/audit-log paging: limit, afterSeq, X-Total-Count, X-Next-After-Seq', () => {
    const exportOf = (query: Record<string, string | number>) =>
      t.http().get('/api/audit-log').query(query).set('Authorization', monitor);

    it('without limit answers every matching entry, as before, with their count', async () => {
      const response = await exportOf({}).expect(200);
      const entries = JSON.parse(response.text) as ChainedAuditEntry[];
      expect(entries[0].seq).toBe(1);
      expect(entries[entries.length - 1]).toMatchObject({ action: 'AUDIT_EXPORTED' });
      expect(totalOf(response)).toBe(entries.length);
      expect(nextOf(response)).toBeUndefined();
    });

    it('walks the whole log page by page, following X-Next-After-Seq, into one valid chain', async () => {
      const walked: ChainedAuditEntry[] = [];
      let afterSeq: number | undefined = 0;
      let pages = 0;
      let last: Response | undefined;
      while (afterSeq !== undefined) {
        last = await exportOf({ limit: 4, afterSeq }).expect(200);
        const page = JSON.parse(last.text) as ChainedAuditEntry[];
        pages += 1;
        expect(page.length).toBeLessThanOrEqual(4);
        if (nextOf(last) !== undefined) {
          expect(page).toHaveLength(4);
          expect(nextOf(last)).toBe(page[page.length - 1].seq);
        }
        // Every entry but the page's own export record is counted whatever the cursor.
        expect(totalOf(last)).toBeGreaterThanOrEqual(walked.length + page.length);
        walked.push(...page);
        afterSeq = nextOf(last);
      }
      expect(pages).toBeGreaterThan(2);
      expect(walked.map((e) => e.seq)).toEqual(walked.map((_e, i) => i + 1));
      expect(verifyChain(walked)).toMatchObject({ valid: true, entries: walked.length });
      // The last page ends with its own AUDIT_EXPORTED entry, which records the page asked for.
      const own = walked[walked.length - 1];
      expect(own).toMatchObject({ action: 'AUDIT_EXPORTED', actor: 'add-monitor' });
      expect(own.details).toMatchObject({ limit: 4 });
      expect(totalOf(last as Response)).toBe(walked.length);
    });

    it('pages a filtered export: the total counts the matches, whichever the page', async () => {
      const query = { action: 'PARTICIPANT_REGISTERED', limit: 2 };
      const first = await exportOf(query).expect(200);
      const firstPage = JSON.parse(first.text) as ChainedAuditEntry[];
      expect(firstPage.map((e) => e.details.screeningNumber)).toEqual(['SCR-A-1', 'SCR-A-2']);
      expect(totalOf(first)).toBe(3);
      expect(nextOf(first)).toBe(firstPage[1].seq);

      const second = await exportOf({ ...query, afterSeq: nextOf(first) ?? -1 }).expect(200);
      const secondPage = JSON.parse(second.text) as ChainedAuditEntry[];
      expect(secondPage.map((e) => e.details.screeningNumber)).toEqual(['SCR-A-3']);
      expect(totalOf(second)).toBe(3);
      expect(nextOf(second)).toBeUndefined();

      // Exactly `limit` matches left: a full page, and no next page.
      const exact = await exportOf({ ...query, afterSeq: firstPage[0].seq }).expect(200);
      expect(JSON.parse(exact.text)).toHaveLength(2);
      expect(nextOf(exact)).toBeUndefined();

      const beyond = await exportOf({ ...query, afterSeq: 1_000_000 }).expect(200);
      expect(JSON.parse(beyond.text)).toEqual([]);
      expect(totalOf(beyond)).toBe(3);
      expect(nextOf(beyond)).toBeUndefined();
    });

    it('pages CSV and NDJSON exports the same way', async () => {
      const csv = await exportOf({ format: 'csv', limit: 3 }).expect(200);
      expect(csv.text.trim().split('\r\n').length).toBe(1 + 3);
      expect(nextOf(csv)).toBe(3);
      const ndjson = await exportOf({ format: 'ndjson', limit: 2, afterSeq: 3 }).expect(200);
      const lines = ndjson.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { seq?: number; checkpoint?: unknown });
      expect(lines.filter((line) => line.checkpoint === undefined).map((l) => l.seq)).toEqual([
        4, 5,
      ]);
      expect(nextOf(ndjson)).toBe(5);
      expect(totalOf(ndjson)).toBe(totalOf(csv)! + 1);
    });

    it('refuses a bad limit or afterSeq with 400 VALIDATION_FAILED and exports nothing', async () => {
      const exportsBefore = totalOf(await exportOf({ action: 'AUDIT_EXPORTED', limit: 1 }));
      for (const query of [
        'limit=0',
        'limit=1001',
        'limit=1.5',
        'limit=1e2',
        'limit=ten',
        'limit=',
        'limit=-1',
        'limit=2&limit=3',
        'afterSeq=-1',
        'afterSeq=0x10',
        'afterSeq=',
        'afterSeq=99999999999999999999',
      ]) {
        const response = await t
          .http()
          .get(`/api/audit-log?${query}`)
          .set('Authorization', monitor);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      }
      const exportsAfter = totalOf(await exportOf({ action: 'AUDIT_EXPORTED', limit: 1 }));
      // Only the two counting exports themselves were recorded.
      expect(exportsAfter).toBe((exportsBefore ?? 0) + 1);
    });

    it('documents limit, afterSeq, the entry schema and both headers in OpenAPI', () => {
      const operation = document.paths['/api/audit-log'].get;
      const names = (operation.parameters ?? []).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['limit', 'afterSeq']));
      const ok = operation.responses['200'];
      expect(Object.keys(ok.headers ?? {})).toEqual(
        expect.arrayContaining(['X-Total-Count', 'X-Next-After-Seq']),
      );
      expect(ok.content?.['application/json']?.schema).toEqual({
        type: 'array',
        items: { $ref: '#/components/schemas/AuditEntryDto' },
      });
    });
  });

  describe('POST /api/randomization-list/simulation', () => {
    let statistician: string;
    const simulate = (body: object) =>
      t
        .http()
        .post('/api/randomization-list/simulation')
        .set('Authorization', statistician)
        .send(body);
    const simulatedCount = () =>
      exportCount(t, monitor, 'LIST_SIMULATED').then((n) => n ?? Number.NaN);

    beforeAll(async () => {
      statistician = await t.userWith('add-statistician', ['statistician']);
    });

    it("answers the figures of list simulate for the trial's own design, audited once", async () => {
      const before = await simulatedCount();
      const response = await simulate({ runs: 500 }).expect(200);
      const body = response.body as ListSimulation;
      expect(body).toMatchObject({
        source: 'trial',
        design: trial.randomization,
        targets: [
          { id: 'LEFT', ratio: 1 },
          { id: 'RIGHT', ratio: 1 },
        ],
        runs: 500,
        slots: trial.randomization.slotsPerStratum,
      });
      expect(body.seed).toMatch(/^[0-9a-f]{64}$/);
      expect(body.enrolments.map((e) => e.enrolled)).toEqual(
        Array.from({ length: trial.randomization.slotsPerStratum }, (_, i) => i + 1),
      );
      // Permuted blocks of 2 and 4 over 20 slots: balanced at the end, never more than 2 apart.
      const last = body.enrolments[body.enrolments.length - 1];
      expect(last).toMatchObject({ meanImbalance: 0, maxImbalance: 0, imbalanceShare: [1] });
      expect(Math.max(...body.enrolments.map((e) => e.maxImbalance))).toBe(2);
      expect(body.chanceShare).toBe(0.5);
      expect(body.correctGuessShare).toBeGreaterThan(0.5);
      expect(body.meanBlocksPerList.map((b) => b.size)).toEqual([2, 4]);
      expect(await simulatedCount()).toBe(before + 1);

      // The same figures as the command line's computation for that seed.
      const again = simulateDesign(trial, {
        runs: 500,
        seed: body.seed,
        reportAt: reportedCounts(trial.randomization.slotsPerStratum),
      });
      expect(body.enrolments).toEqual(again.enrolments);
      expect(body.expectedCorrectGuesses).toBe(again.expectedCorrectGuesses);
    });

    it('simulates a variant design, validated by the trial file rules, with fresh seeds each time', async () => {
      const variant = { method: 'permuted-blocks', blockSizes: [4, 6], slotsPerStratum: 24 };
      const first = (await simulate({ runs: 200, design: variant }).expect(200))
        .body as ListSimulation;
      expect(first).toMatchObject({ source: 'variant', design: variant, slots: 24, runs: 200 });
      expect(first.meanBlocksPerList.map((b) => b.size)).toEqual([4, 6]);
      const simple = (await simulate({ runs: 300, design: { method: 'simple' } }).expect(200))
        .body as ListSimulation;
      expect(simple).toMatchObject({
        source: 'variant',
        design: { method: 'simple', blockSizes: [], slotsPerStratum: trial.targetSize },
        meanBlocksPerList: [],
      });
      const second = (await simulate({ runs: 200, design: variant }).expect(200))
        .body as ListSimulation;
      expect(second.seed).not.toBe(first.seed);
    });

    it('defaults runs to 10000, or to as many as the bound allows for a long list', async () => {
      const own = (await simulate({}).expect(200)).body as ListSimulation;
      expect(own.runs).toBe(10_000);
      const long = (
        await simulate({
          design: { method: 'permuted-blocks', blockSizes: [2, 4], slotsPerStratum: 5000 },
        }).expect(200)
      ).body as ListSimulation;
      expect(long.runs).toBe(200);
    });

    it.each([
      [{ runs: 0 }, 'VALIDATION_FAILED', /runs/],
      [{ runs: 10_001 }, 'VALIDATION_FAILED', /runs/],
      [{ runs: 2.5 }, 'VALIDATION_FAILED', /runs/],
      [{ runs: '100' }, 'VALIDATION_FAILED', /runs/],
      [{ runs: null }, 'VALIDATION_FAILED', /runs/],
      [{ seed: 'my-own-seed-0123456' }, 'VALIDATION_FAILED', /seed/],
      [{ design: 'permuted-blocks' }, 'VALIDATION_FAILED', /design/],
      [{ design: [] }, 'VALIDATION_FAILED', /design/],
      [{ design: {} }, 'INVALID_DESIGN', /design\.method must be a non-empty string/],
      [
        { design: { method: 'urn' } },
        'INVALID_DESIGN',
        /design\.method must be one of "simple", "permuted-blocks", "efron-biased-coin", "big-stick"/,
      ],
      [
        { design: { method: 'permuted-blocks' } },
        'INVALID_DESIGN',
        /design\.blockSizes must be an array/,
      ],
      [
        { design: { method: 'permuted-blocks', blockSizes: [3] } },
        'INVALID_DESIGN',
        /design\.blockSizes\[0\] must be a multiple of the ratio total 2/,
      ],
      [{ design: { method: 'permuted-blocks', blockSizes: [4, 4] } }, 'INVALID_DESIGN', /repeats/],
      [
        { design: { method: 'permuted-blocks', blockSizes: [4], slotsPerStratum: 22 } },
        'INVALID_DESIGN',
        /design\.slotsPerStratum gives 22 slots/,
      ],
      [
        { design: { method: 'simple', blockSizes: [2] } },
        'INVALID_DESIGN',
        /design\.blockSizes applies to permuted blocks only/,
      ],
      [
        { design: { method: 'simple', seed: 'x' } },
        'INVALID_DESIGN',
        /design\.seed is not a known field/,
      ],
      [
        { design: JSON.parse('{"method":"simple","__proto__":{"x":1}}') as object },
        'INVALID_DESIGN',
        /design\.__proto__ is not a known field/,
      ],
      [
        { design: { method: 'simple', slotsPerStratum: 0 } },
        'INVALID_DESIGN',
        /design\.slotsPerStratum must be an integer/,
      ],
      [
        { design: { method: 'simple', slotsPerStratum: 10_002 } },
        'SIMULATION_TOO_LARGE',
        /10000 slots/,
      ],
      [
        { runs: 10_000, design: { method: 'simple', slotsPerStratum: 200 } },
        'SIMULATION_TOO_LARGE',
        /at most 5000 runs/,
      ],
    ])(
      'refuses %j with 400 %s, naming the problem, and records no simulation',
      async (body, code, message) => {
        const before = await simulatedCount();
        const response = await simulate(body);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ statusCode: 400, code });
        expect((response.body as { message: string }).message).toMatch(message);
        expect(await simulatedCount()).toBe(before);
      },
    );

    it('reads nothing of the generated list: the answer does not depend on it', async () => {
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      const response = await simulate({ runs: 50 }).expect(200);
      const text = response.text;
      expect(text).not.toMatch(/commitment|nonce|participantId|"limb"|cellLimb/);
      const body = response.body as ListSimulation;
      const again = simulateDesign(trial, {
        runs: 50,
        seed: body.seed,
        reportAt: reportedCounts(trial.randomization.slotsPerStratum),
      });
      expect(body.enrolments).toEqual(again.enrolments);
    });

    it('documents the request, the response schema and the statistician role in OpenAPI', () => {
      const operation = document.paths['/api/randomization-list/simulation'].post;
      expect(operation['x-roles']).toEqual(['statistician']);
      expect(operation.responses['200'].content?.['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/ListSimulationDto',
      });
      expect(operation.responses['400']).toBeDefined();
    });
  });
});
