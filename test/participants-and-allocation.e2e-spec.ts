import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatInTimeZone } from '../src/allocation/preparation';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { newTempDir, startTestApp, TestApp } from './support/test-app';

const trial = nctTrial();

interface Allocation {
  participantId: string;
  slot: number;
  cellLimb: string;
  salineLimb: string;
  allocatedAt: string;
  preparation: { syringes: { limb: string; contents: string; volumeMl: number }[]; needle: string };
}

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const tables = ['participants', 'slots', 'users', 'idempotency_keys'];
  const counts = await Promise.all(tables.map((table) => t.database.count(table)));
  return Object.fromEntries(tables.map((table, i) => [table, counts[i]]));
}

const auditOf = (t: TestApp) => t.database.auditEntries();

describe('Registration and allocation (end to end)', () => {
  let t: TestApp;
  let pharmacist: string;
  let investigator: string;
  let statistician: string;
  let monitor: string;
  let unblinder: string;

  beforeAll(async () => {
    t = await startTestApp();
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    investigator = await t.userWith('inv', ['investigator']);
    statistician = await t.userWith('stat', ['statistician']);
    monitor = await t.userWith('mon', ['monitor']);
    unblinder = await t.userWith('unb', ['unblinder']);
  });
  afterAll(() => t?.close());

  const register = (token: string, body: object) =>
    t.http().post('/api/participants').set('Authorization', token).send(body);

  it('registers an eligible participant with ids in the trial format, by pharmacist or investigator', async () => {
    const first = await register(investigator, registration(trial, 'SCR-001')).expect(201);
    expect(first.body).toMatchObject({ participantId: 'ELA-001', status: 'REGISTERED' });
    const second = await register(pharmacist, registration(trial, 'SCR-002')).expect(201);
    expect((second.body as { participantId: string }).participantId).toBe('ELA-002');
    await register(monitor, registration(trial, 'SCR-X')).expect(403);
    await register(statistician, registration(trial, 'SCR-X')).expect(403);
  });

  it('refuses a duplicate screening number with 409', async () => {
    const response = await register(pharmacist, registration(trial, 'SCR-001')).expect(409);
    expect(response.body).toMatchObject({ code: 'DUPLICATE' });
    expect((response.body as { message: string }).message).toContain('SCR-001');
  });

  it.each([-1, 0, 17, 71, 200])('refuses age %d with 422 naming "age"', async (age) => {
    const response = await register(
      pharmacist,
      registration(trial, `SCR-AGE-${age + 10}`, { age }),
    ).expect(422);
    expect(response.body).toMatchObject({ failed: ['age'] });
  });

  it('answers 422 naming each failed criterion, age included, and audits the rejection', async () => {
    const answers = {
      ...registration(trial, 'SCR-BAD').eligibility,
      'inc-adherence': false,
      'exc-diabetes': true,
    };
    const response = await register(
      pharmacist,
      registration(trial, 'SCR-BAD', { age: 71, eligibility: answers }),
    ).expect(422);
    expect(response.body).toMatchObject({
      statusCode: 422,
      error: 'Unprocessable Entity',
      code: 'NOT_ELIGIBLE',
      failed: ['age', 'inc-adherence', 'exc-diabetes'],
    });
    const entry = (await auditOf(t)).filter((e) => e.action === 'REGISTRATION_REJECTED').pop();
    expect(entry).toMatchObject({
      outcome: 'REJECTED',
      details: { screeningNumber: 'SCR-BAD', failed: ['age', 'inc-adherence', 'exc-diabetes'] },
    });
  });

  it.each([
    [
      'a missing answer',
      () => {
        const b = registration(trial, 'SCR-M');
        delete b.eligibility['exc-stroke'];
        return b;
      },
      /eligibility.exc-stroke is missing/,
    ],
    [
      'an unknown criterion',
      () =>
        registration(trial, 'SCR-U', {
          eligibility: { ...registration(trial, 'x').eligibility, 'exc-made-up': false },
        }),
      /exc-made-up is not a criterion/,
    ],
    [
      'a non-boolean answer',
      () => ({
        ...registration(trial, 'SCR-T'),
        eligibility: { ...registration(trial, 'x').eligibility, 'exc-stroke': 'no' },
      }),
      /exc-stroke must be true or false/,
    ],
    [
      'age as a string',
      () => ({ ...registration(trial, 'SCR-A'), age: '50' }),
      /age must be a whole number/,
    ],
    [
      'a fractional age',
      () => ({ ...registration(trial, 'SCR-A'), age: 50.5 }),
      /age must be a whole number/,
    ],
    [
      'an unknown field',
      () => ({ ...registration(trial, 'SCR-F'), limb: 'LEFT' }),
      /property limb should not exist/,
    ],
    [
      'strata on an unstratified trial',
      () => registration(trial, 'SCR-S', { strata: { site: 'north' } }),
      /site/,
    ],
    [
      'an injection string as screening number',
      () => registration(trial, "1'; DROP TABLE participants; --"),
      /screeningNumber must be/,
    ],
  ])('refuses %s with 400 naming it, changing nothing', async (_what, body, message) => {
    const before = await rowCounts(t);
    const response = await register(pharmacist, body()).expect(400);
    expect((response.body as { message: string }).message).toMatch(message);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('refuses allocation before the list exists with 409, and audits the refusal', async () => {
    const response = await t
      .http()
      .post('/api/participants/ELA-001/allocation')
      .set('Authorization', pharmacist)
      .expect(409);
    expect(response.body).toMatchObject({ code: 'NO_LIST' });
    expect((response.body as { message: string }).message).toMatch(/No randomization list/);
    expect((await auditOf(t)).filter((e) => e.action === 'ALLOCATION_REFUSED').pop()).toMatchObject(
      {
        participantId: 'ELA-001',
        outcome: 'DENIED',
      },
    );
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'allocation-e2e-seed-01' })
      .expect(201);
  });

  it('allocates with the limbs and the preparation instructions, once', async () => {
    const response = await t
      .http()
      .post('/api/participants/ELA-001/allocation')
      .set('Authorization', pharmacist)
      .expect(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body as Allocation;
    expect(body.participantId).toBe('ELA-001');
    expect(body.slot).toBe(1);
    expect(['LEFT', 'RIGHT']).toContain(body.cellLimb);
    expect(body.salineLimb).toBe(body.cellLimb === 'LEFT' ? 'RIGHT' : 'LEFT');
    expect(body.preparation.needle).toBe('26 G');
    expect(body.preparation.syringes).toEqual([
      expect.objectContaining({
        limb: body.cellLimb,
        volumeMl: 2,
        contents: expect.stringContaining('mononuclear'),
      }),
      expect.objectContaining({
        limb: body.salineLimb,
        volumeMl: 2,
        contents: expect.stringContaining('Saline'),
      }),
    ]);
    const again = await t
      .http()
      .post('/api/participants/ELA-001/allocation')
      .set('Authorization', pharmacist)
      .expect(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_ALLOCATED' });
    expect((again.body as { message: string }).message).toContain('already allocated');
  });

  it('answers 404 for an unknown participant and 403 for every role but the pharmacist', async () => {
    await t
      .http()
      .post('/api/participants/ELA-999/allocation')
      .set('Authorization', pharmacist)
      .expect(404);
    for (const token of [investigator, statistician, monitor, unblinder]) {
      await t
        .http()
        .post('/api/participants/ELA-002/allocation')
        .set('Authorization', token)
        .expect(403);
      await t
        .http()
        .get('/api/participants/ELA-001/allocation')
        .set('Authorization', token)
        .expect(403);
      await t
        .http()
        .get('/api/participants/ELA-001/preparation-sheet')
        .set('Authorization', token)
        .expect(403);
    }
  });

  it('re-reads the same answer and audits every read', async () => {
    const before = (await auditOf(t)).filter((e) => e.action === 'ALLOCATION_VIEWED').length;
    const first = await t
      .http()
      .post('/api/participants/ELA-002/allocation')
      .set('Authorization', pharmacist)
      .expect(201);
    const reread = await t
      .http()
      .get('/api/participants/ELA-002/allocation')
      .set('Authorization', pharmacist)
      .expect(200);
    expect(reread.body).toEqual(first.body);
    await t
      .http()
      .get('/api/participants/ELA-002/allocation')
      .set('Authorization', pharmacist)
      .expect(200);
    expect((await auditOf(t)).filter((e) => e.action === 'ALLOCATION_VIEWED').length).toBe(
      before + 2,
    );
  });

  it('answers 409 when re-reading a participant who is not allocated', async () => {
    await register(pharmacist, registration(trial, 'SCR-003')).expect(201);
    await t
      .http()
      .get('/api/participants/ELA-003/allocation')
      .set('Authorization', pharmacist)
      .expect(409);
  });

  it('serves a printable preparation sheet, escaped, and audits it', async () => {
    const response = await t
      .http()
      .get('/api/participants/ELA-001/preparation-sheet')
      .set('Authorization', pharmacist)
      .expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toContain('ELA-001');
    expect(response.text).toContain('SCR-001');
    expect(response.text).toContain('Pharmacy copy: do not send to the ward');
    expect(response.text).toContain('printed by pharm at ');
    expect(response.text).toContain('Prepared by');
    expect(response.text).toContain('Checked by');
    expect(response.text).toContain('26 G');
    expect(
      (await auditOf(t)).filter((e) => e.action === 'PREPARATION_SHEET_VIEWED').pop(),
    ).toMatchObject({ participantId: 'ELA-001' });
  });

  it('returns the first answer for a retried request with the same Idempotency-Key', async () => {
    await register(pharmacist, registration(trial, 'SCR-004')).expect(201);
    const key = 'retry-key-0004';
    const first = await t
      .http()
      .post('/api/participants/ELA-004/allocation')
      .set('Authorization', pharmacist)
      .set('Idempotency-Key', key)
      .expect(201);
    const retry = await t
      .http()
      .post('/api/participants/ELA-004/allocation')
      .set('Authorization', pharmacist)
      .set('Idempotency-Key', key)
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(
      (await auditOf(t)).filter((e) => e.action === 'ALLOCATED' && e.participantId === 'ELA-004'),
    ).toHaveLength(1);
    await t
      .http()
      .post('/api/participants/ELA-003/allocation')
      .set('Authorization', pharmacist)
      .set('Idempotency-Key', key)
      .expect(409);
  });

  it('shows every role a blinded view with no limb, slot or ciphertext', async () => {
    for (const token of [pharmacist, investigator, statistician, monitor, unblinder]) {
      const list = await t.http().get('/api/participants').set('Authorization', token).expect(200);
      const one = await t
        .http()
        .get('/api/participants/ELA-001')
        .set('Authorization', token)
        .expect(200);
      const trialStatus = await t.http().get('/api/trial').set('Authorization', token).expect(200);
      for (const body of [list.body, one.body]) {
        expect(JSON.stringify(body)).not.toMatch(/LEFT|RIGHT|cellLimb|salineLimb|slot|sealed|v1\./);
      }
      expect(one.body).toMatchObject({
        participantId: 'ELA-001',
        status: 'ALLOCATED',
        seal: { unblinded: false },
      });
      expect(trialStatus.body).toMatchObject({ registered: 4, allocated: 3, unblinded: 0 });
    }
    await t.http().get('/api/participants/ELA-999').set('Authorization', monitor).expect(404);
  });

  it('never writes a limb into the audit log', async () => {
    expect(JSON.stringify(await auditOf(t))).not.toMatch(/LEFT|RIGHT/);
    expect((await t.database.verifyAudit()).valid).toBe(true);
  });
});

describe('Allocation under concurrency (end to end)', () => {
  it('allocates 20 participants from several clients at once: 20 distinct slots, 10 LEFT and 10 RIGHT', async () => {
    const t = await startTestApp();
    try {
      const pharmacists = await Promise.all(
        [1, 2, 3, 4].map((i) => t.userWith(`pharm${i}`, ['pharmacist'])),
      );
      const stat = await t.userWith('stat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', stat)
        .send({})
        .expect(201);
      for (let i = 1; i <= 20; i += 1) {
        await t
          .http()
          .post('/api/participants')
          .set('Authorization', pharmacists[0])
          .send(registration(trial, `SCR-${i}`))
          .expect(201);
      }
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacists[0])
        .send(registration(trial, 'SCR-21'))
        .expect(409);
      const ids = Array.from({ length: 20 }, (_, i) => `ELA-${String(i + 1).padStart(3, '0')}`);
      const responses = await Promise.all(
        ids.map((id, i) =>
          t
            .http()
            .post(`/api/participants/${id}/allocation`)
            .set('Authorization', pharmacists[i % 4]),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      const answers = responses.map((r) => r.body as Allocation);
      expect(new Set(answers.map((a) => a.slot)).size).toBe(20);
      expect(answers.filter((a) => a.cellLimb === 'LEFT')).toHaveLength(10);
      expect(answers.filter((a) => a.cellLimb === 'RIGHT')).toHaveLength(10);
      expect((await auditOf(t)).filter((e) => e.action === 'ALLOCATED')).toHaveLength(20);
    } finally {
      await t.close();
    }
  });

  it('answers exactly one 201 to 50 concurrent allocations of the same participant', async () => {
    const t = await startTestApp();
    try {
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      const stat = await t.userWith('stat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', stat)
        .send({})
        .expect(201);
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-1'))
        .expect(201);
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.http().post('/api/participants/ELA-001/allocation').set('Authorization', pharmacist),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      expect((await auditOf(t)).filter((e) => e.action === 'ALLOCATED')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('answers 409 when a stratum list is exhausted', async () => {
    const dir = newTempDir();
    const small = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as {
      randomization: { slotsPerStratum?: number };
    };
    small.randomization.slotsPerStratum = 2;
    const file = join(dir, 'small.json');
    writeFileSync(file, JSON.stringify(small));
    const t = await startTestApp({ TRIAL_CONFIG: file });
    try {
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      const stat = await t.userWith('stat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', stat)
        .send({})
        .expect(201);
      for (let i = 1; i <= 3; i += 1) {
        await t
          .http()
          .post('/api/participants')
          .set('Authorization', pharmacist)
          .send(registration(trial, `SCR-${i}`))
          .expect(201);
      }
      await t
        .http()
        .post('/api/participants/ELA-001/allocation')
        .set('Authorization', pharmacist)
        .expect(201);
      await t
        .http()
        .post('/api/participants/ELA-002/allocation')
        .set('Authorization', pharmacist)
        .expect(201);
      const exhausted = await t
        .http()
        .post('/api/participants/ELA-003/allocation')
        .set('Authorization', pharmacist)
        .expect(409);
      expect(exhausted.body).toMatchObject({ code: 'LIST_EXHAUSTED' });
      expect((exhausted.body as { message: string }).message).toContain('exhausted');
    } finally {
      await t.close();
    }
  });
});

describe('Preparation sheet (end to end)', () => {
  let t: TestApp;
  let pharmacist: string;
  const sheets = new Map<'LEFT' | 'RIGHT', { allocation: Allocation; html: string }>();

  /** What the ward may see: everything above the cut line. */
  const wardPart = (html: string) => html.slice(0, html.indexOf('Pharmacy copy: do not send'));

  beforeAll(async () => {
    t = await startTestApp();
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    const stat = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', stat)
      .send({ seed: 'sheet-e2e-seed-0001' })
      .expect(201);
    // Blocks of 2 and 4 put both limbs among the first three slots.
    for (let i = 1; i <= 3 && sheets.size < 2; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, `SCR-SHEET-${i}`))
        .expect(201);
      const id = `ELA-00${i}`;
      const allocated = await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      const allocation = allocated.body as Allocation;
      const sheet = await t
        .http()
        .get(`/api/participants/${id}/preparation-sheet`)
        .set('Authorization', pharmacist)
        .expect(200);
      sheets.set(allocation.cellLimb as 'LEFT' | 'RIGHT', { allocation, html: sheet.text });
    }
  });
  afterAll(() => t?.close());

  it('prints ward labels that are the same for a LEFT and a RIGHT participant, but for who they are', () => {
    const left = sheets.get('LEFT');
    const right = sheets.get('RIGHT');
    if (!left || !right) throw new Error('the first three slots gave only one limb');
    const anonymised = ({ allocation, html }: { allocation: Allocation; html: string }) => {
      const screening = `SCR-SHEET-${Number(allocation.participantId.slice(4))}`;
      return wardPart(html)
        .replaceAll(allocation.participantId, 'PARTICIPANT')
        .replaceAll(screening, 'SCREENING')
        .replace(/\d{4}-\d{2}-\d{2}/g, 'DATE');
    };
    expect(anonymised(left)).toBe(anonymised(right));
    for (const { html } of [left, right]) {
      const ward = wardPart(html);
      expect(ward).toContain('LEFT tibialis anterior');
      expect(ward).toContain('RIGHT tibialis anterior');
      expect(ward).not.toMatch(/cell|placebo|saline|mnc|autologous|mononuclear|dose|content/i);
    }
  });

  it('heads the pharmacy copy with the allocation, in Madrid time, and names who printed it', () => {
    for (const [limb, { allocation, html }] of sheets) {
      const other = limb === 'LEFT' ? 'RIGHT' : 'LEFT';
      const pharmacy = html.slice(html.indexOf('Pharmacy copy: do not send'));
      expect(pharmacy).toMatch(
        new RegExp(`<p class="headline">CELLS → ${limb} \\([^)]*\\) · SALINE → ${other} `),
      );
      expect(pharmacy).toContain(formatInTimeZone(allocation.allocatedAt, 'Europe/Madrid'));
      expect(pharmacy).toMatch(
        /printed by pharm at \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Europe\/Madrid, UTC\+0[12]:00\)/,
      );
    }
  });

  it('exposes the trial time zone in GET /api/trial and OpenAPI; the API itself keeps UTC', async () => {
    const status = await t.http().get('/api/trial').set('Authorization', pharmacist).expect(200);
    expect((status.body as { timeZone: string }).timeZone).toBe('Europe/Madrid');
    const docs = await t.http().get('/api/docs-json').expect(200);
    const openApi = docs.body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      paths: Record<string, { get: { responses: Record<string, { content?: object }> } }>;
    };
    expect(openApi.components.schemas.TrialStatusDto.properties.timeZone).toMatchObject({
      type: 'string',
    });
    expect(
      openApi.paths['/api/participants/{id}/preparation-sheet'].get.responses['200'].content,
    ).toHaveProperty(['text/html']);
    for (const { allocation } of sheets.values()) {
      expect(allocation.allocatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });
});
