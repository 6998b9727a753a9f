import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { loadTrialFile } from '../src/config/trial-file.loader';
import { ENVELOPE_CUT_LINE_TEXT } from '../src/envelopes/envelope-page';
import {
  NCT_TRIAL_FILE,
  nctTrial,
  registration,
  STRATIFIED_TRIAL_FILE,
} from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp } from './support/test-app';

const trial = nctTrial();
const LIMB_WORDS = /\b(LEFT|RIGHT)\b|cellLimb|salineLimb/;

interface Envelope {
  envelopeNumber: string;
  stratum: string;
  status: string;
  printCount: number;
  participantId: string | null;
  voidedAt: string | null;
}

/** What a printed page holds inside: the target of its headline and the opening code. */
function inside(html: string): { target: string; code: string } {
  const target = /CELLS → (LEFT|RIGHT)/.exec(html)?.[1];
  const code = /Opening code: <strong>([0-9A-Z-]+)<\/strong>/.exec(html)?.[1];
  if (!target || !code) throw new Error(`Not an envelope page: ${html.slice(0, 200)}`);
  return { target, code };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
/** A time of opening after any printing so far, and not after the server's clock. */
const justNow = () => new Date().toISOString();

/** Moves the wall clock (Date only: the server's timers and I/O keep running). */
const moveClockTo = (at: number) =>
  jest.useFakeTimers({
    now: at,
    advanceTimers: true,
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

describe('Downtime envelopes, then reconciliation (end to end)', () => {
  let t: TestApp;
  let admin: string;
  let statistician: string;
  let pharmacist: string;
  let secondPharmacist: string;
  let monitor: string;
  let investigator: string;
  let registered = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    statistician = await t.userWith('stat', ['statistician']);
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    secondPharmacist = await t.userWith('pharm2', ['pharmacist']);
    monitor = await t.userWith('mon', ['monitor']);
    investigator = await t.userWith('inv', ['investigator']);
  });
  afterAll(() => t?.close());

  const issue = (token: string, perStratum: number) =>
    t.http().post('/api/downtime-envelopes').set('Authorization', token).send({ perStratum });
  const print = (token: string, envelopeNumber: string) =>
    t
      .http()
      .post(`/api/downtime-envelopes/${envelopeNumber}/print`)
      .set('Authorization', token)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
  const record = (
    token: string,
    participantId: string,
    body: { envelopeNumber: string; openingCode: string; openedAt: string },
  ) =>
    t
      .http()
      .post(`/api/participants/${participantId}/offline-allocation`)
      .set('Authorization', token)
      .send(body);
  const registerOne = async (): Promise<string> => {
    registered += 1;
    const response = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, `SCR-ENV-${registered}`))
      .expect(201);
    return (response.body as { participantId: string }).participantId;
  };
  const envelopes = async (): Promise<Envelope[]> =>
    (
      (await t.http().get('/api/downtime-envelopes').set('Authorization', statistician).expect(200))
        .body as { envelopes: Envelope[] }
    ).envelopes;
  const lastEntry = async (action: string) => {
    const entries = (await t.database.auditEntries()).filter((e) => e.action === action);
    return entries[entries.length - 1];
  };

  it('refuses to issue envelopes before the list exists (409 NO_LIST, audited)', async () => {
    const response = await issue(statistician, 2).expect(409);
    expect(response.body).toMatchObject({ code: 'NO_LIST' });
    expect(await lastEntry('ENVELOPE_ISSUE_REFUSED')).toMatchObject({
      outcome: 'DENIED',
      details: { code: 'NO_LIST', status: 409 },
    });
  });

  it('lets only the statistician issue, and validates the count', async () => {
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'downtime-envelopes-e2e-seed' })
      .expect(201);
    for (const token of [pharmacist, admin, monitor, investigator]) {
      await issue(token, 2).expect(403);
    }
    for (const perStratum of [0, -1, 11, 1.5, '2']) {
      await t
        .http()
        .post('/api/downtime-envelopes')
        .set('Authorization', statistician)
        .send({ perStratum })
        .expect(400);
    }
    expect(await t.database.count('downtime_envelopes')).toBe(0);
  });

  it('issues K envelopes per stratum, blinded, and audits the issue', async () => {
    const response = await issue(statistician, 3).expect(201);
    const body = response.body as { envelopes: Envelope[] };
    expect(body.envelopes.map((e) => e.envelopeNumber)).toEqual([
      'ENV-0001',
      'ENV-0002',
      'ENV-0003',
    ]);
    expect(body.envelopes.every((e) => e.status === 'OUTSTANDING' && e.stratum === 'all')).toBe(
      true,
    );
    expect(JSON.stringify(body)).not.toMatch(LIMB_WORDS);
    expect(JSON.stringify(body)).not.toMatch(/"slot"/);
    expect(await lastEntry('ENVELOPES_ISSUED')).toMatchObject({
      actor: 'stat',
      outcome: 'SUCCESS',
      details: { perStratum: 3 },
    });
    // The three reserved slots are the first three of the stratum, in order.
    const reserved = await t.database.query<{ slot: number }>(
      'SELECT s.slot FROM downtime_envelopes e JOIN slots s ON s.id = e.slot_id ORDER BY e.number',
    );
    expect(reserved.map((r) => Number(r.slot))).toEqual([1, 2, 3]);
  });

  it('skips the reserved slots in online allocation, in strict order after them', async () => {
    const id = await registerOne();
    const response = await t
      .http()
      .post(`/api/participants/${id}/allocation`)
      .set('Authorization', pharmacist)
      .expect(201);
    expect((response.body as { slot: number }).slot).toBe(4);
  });

  it('lets only the pharmacist print; the page holds the target and a code kept only as a hash', async () => {
    for (const token of [statistician, admin, monitor, investigator]) {
      await print(token, 'ENV-0001').expect(403);
    }
    const response = await print(pharmacist, 'ENV-0001').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-store');
    const html = response.body as string;
    const { code } = inside(html);
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    // The outside (above the cut line) names neither target nor code.
    const outside = html.slice(0, html.indexOf(ENVELOPE_CUT_LINE_TEXT));
    expect(outside).toContain('ENV-0001');
    expect(outside).not.toMatch(/CELLS|SALINE|cells|saline|placebo/i);
    expect(outside).not.toContain(code);
    expect(html).not.toContain('TRAINING');
    const [row] = await t.database.query<{ code_hash: string; print_count: number }>(
      'SELECT code_hash, print_count FROM downtime_envelopes WHERE number = 1',
    );
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(row.print_count)).toBe(1);
    for (const table of await t.database.tables()) {
      const text = (await t.database.rowsAsText(table)).join('\n');
      expect(text).not.toContain(code);
      expect(text).not.toContain(code.replace(/-/g, ''));
    }
    const entry = await lastEntry('ENVELOPE_PRINTED');
    expect(entry).toMatchObject({
      actor: 'pharm',
      outcome: 'SUCCESS',
      participantId: null,
      details: { envelopeNumber: 'ENV-0001', stratum: 'all', printing: 1 },
    });
    expect(JSON.stringify(entry)).not.toMatch(LIMB_WORDS);
  });

  it('answers 404 ENVELOPE_NOT_FOUND for an unknown envelope, audited', async () => {
    const response = await print(pharmacist, 'ENV-0999').expect(404);
    expect(JSON.parse(response.body as string)).toMatchObject({ code: 'ENVELOPE_NOT_FOUND' });
    expect(await lastEntry('ENVELOPE_PRINT_REFUSED')).toMatchObject({
      outcome: 'REJECTED',
      details: { code: 'ENVELOPE_NOT_FOUND', status: 404 },
    });
  });

  it('answers 400 VALIDATION_FAILED for an envelope number that is no ENV-0001, quoting only its start, audited once', async () => {
    const long = `ENV-${'9'.repeat(5000)}`;
    for (const [sent, quoted] of [
      [long, '"ENV-999999999999"… (5004 characters)'],
      ['ENV-0000', '"ENV-0000"'],
      ['ENV-12', '"ENV-12"'],
      ['ENV-0001%0A', '"ENV-0001\\n"'],
      ['%3Cscript%3E', '"<script>"'],
    ]) {
      const before = (await t.database.auditEntries()).length;
      const response = await print(pharmacist, sent).expect(400);
      const body = JSON.parse(response.body as string) as { code: string; message: string };
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.message).toContain(`${quoted} is not one`);
      expect(body.message.length).toBeLessThan(200);
      const added = (await t.database.auditEntries()).slice(before);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({
        action: 'ENVELOPE_PRINT_REFUSED',
        outcome: 'REJECTED',
        reason: body.message,
        details: {
          code: 'VALIDATION_FAILED',
          status: 400,
          route: 'POST /api/downtime-envelopes/:number/print',
        },
      });
      expect(JSON.stringify(added[0]).length).toBeLessThan(2000);
    }
    // A blinded role is refused before the number is read.
    await print(monitor, long).expect(403);
  });

  it('records an offline allocation: ALLOCATED marked offline, the envelope slot, refusals audited', async () => {
    const printed = await print(pharmacist, 'ENV-0002').expect(200);
    const { target, code } = inside(printed.body as string);
    const id = await registerOne();
    const openedAt = justNow();

    // A wrong code, an impossible time, an envelope never printed, an unknown one: each refused.
    const refusals: [object, number, string][] = [
      [
        { envelopeNumber: 'ENV-0002', openingCode: '0000-0000-0000-0000', openedAt },
        422,
        'ENVELOPE_CODE_WRONG',
      ],
      [
        {
          envelopeNumber: 'ENV-0002',
          openingCode: code,
          openedAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
        400,
        'OPENING_TIME_INVALID',
      ],
      [
        { envelopeNumber: 'ENV-0002', openingCode: code, openedAt: minutesAgo(600) },
        400,
        'OPENING_TIME_INVALID',
      ],
      [{ envelopeNumber: 'ENV-0003', openingCode: code, openedAt }, 409, 'ENVELOPE_NOT_PRINTED'],
      [{ envelopeNumber: 'ENV-0042', openingCode: code, openedAt }, 404, 'ENVELOPE_NOT_FOUND'],
    ];
    for (const [body, status, errorCode] of refusals) {
      const before = (await t.database.auditEntries()).length;
      const response = await record(
        pharmacist,
        id,
        body as { envelopeNumber: string; openingCode: string; openedAt: string },
      ).expect(status);
      expect(response.body).toMatchObject({ code: errorCode });
      expect(JSON.stringify(response.body)).not.toMatch(LIMB_WORDS);
      const added = (await t.database.auditEntries()).slice(before);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({
        action: 'OFFLINE_ALLOCATION_REFUSED',
        participantId: id,
        details: { code: errorCode, status },
      });
    }
    await record(statistician, id, {
      envelopeNumber: 'ENV-0002',
      openingCode: code,
      openedAt,
    }).expect(403);

    // The code as a person may type it: lower case, spaces for dashes.
    const typed = code.toLowerCase().replace(/-/g, ' ');
    const response = await record(pharmacist, id, {
      envelopeNumber: 'env-0002',
      openingCode: typed,
      openedAt,
    }).expect(201);
    expect(response.body).toMatchObject({
      participantId: id,
      slot: 2,
      cellLimb: target,
      offline: true,
      envelopeNumber: 'ENV-0002',
      openedAt: new Date(openedAt).toISOString(),
      allocatedAt: new Date(openedAt).toISOString(),
    });
    const entry = await lastEntry('ALLOCATED');
    expect(entry).toMatchObject({
      actor: 'pharm',
      participantId: id,
      details: {
        stratum: 'all',
        slot: 2,
        offline: true,
        envelopeNumber: 'ENV-0002',
        inOrder: false,
      },
    });
    expect(JSON.stringify(entry)).not.toMatch(LIMB_WORDS);
    // The pharmacist re-reads it as any allocation.
    const reread = await t
      .http()
      .get(`/api/participants/${id}/allocation`)
      .set('Authorization', pharmacist)
      .expect(200);
    expect(reread.body).toMatchObject({ slot: 2, cellLimb: target });
    // Blinded status: allocated, no limb.
    const blinded = await t
      .http()
      .get(`/api/participants/${id}`)
      .set('Authorization', investigator)
      .expect(200);
    expect(JSON.stringify(blinded.body)).not.toMatch(LIMB_WORDS);
    expect((await envelopes()).find((e) => e.envelopeNumber === 'ENV-0002')).toMatchObject({
      status: 'USED',
      participantId: id,
    });

    // The same envelope again, for another participant: refused, audited.
    const other = await registerOne();
    const again = await record(pharmacist, other, {
      envelopeNumber: 'ENV-0002',
      openingCode: code,
      openedAt,
    }).expect(409);
    expect(again.body).toMatchObject({ code: 'ENVELOPE_USED' });
  });

  it('refuses a time of opening in an ISO 8601 form that is not a calendar date and time (400, never 500)', async () => {
    const printed = await print(pharmacist, 'ENV-0003').expect(200);
    const { code } = inside(printed.body as string);
    const id = await registerOne();
    const year = new Date().getUTCFullYear();
    // Week dates, ordinal dates and the basic format pass a lenient ISO 8601 check, but
    // JavaScript's Date cannot read them: they were a 500 with nothing recorded.
    for (const openedAt of [
      `${year}-W01-1T10:00:00Z`,
      `${year}-001T10:00:00Z`,
      `${year}0101T100000Z`,
    ]) {
      const before = (await t.database.auditEntries()).length;
      const response = await record(pharmacist, id, {
        envelopeNumber: 'ENV-0003',
        openingCode: code,
        openedAt,
      });
      expect({
        openedAt,
        status: response.status,
        code: (response.body as { code?: string }).code,
      }).toEqual({
        openedAt,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      const added = (await t.database.auditEntries()).slice(before);
      expect(added.map((e) => e.outcome)).toEqual(['REJECTED']);
    }
    expect((await envelopes()).find((e) => e.envelopeNumber === 'ENV-0003')).toMatchObject({
      status: 'OUTSTANDING',
    });
  });

  it('refuses a participant already allocated online (409 ALREADY_ALLOCATED)', async () => {
    const printed = await print(pharmacist, 'ENV-0003').expect(200);
    const { code } = inside(printed.body as string);
    const allocatedOnline = (await t.database.auditEntries()).find((e) => e.action === 'ALLOCATED');
    const response = await record(pharmacist, allocatedOnline!.participantId!, {
      envelopeNumber: 'ENV-0003',
      openingCode: code,
      openedAt: justNow(),
    }).expect(409);
    expect(response.body).toMatchObject({ code: 'ALREADY_ALLOCATED' });
  });

  it('refuses online and from an envelope by one rule: same status, code and message', async () => {
    const { code } = inside((await print(pharmacist, 'ENV-0003').expect(200)).body as string);
    const withdrawn = await registerOne();
    await t
      .http()
      .post(`/api/participants/${withdrawn}/withdrawal`)
      .set('Authorization', investigator)
      .send({ reason: 'Consent withdrawn before allocation' })
      .expect(200);
    for (const id of [withdrawn, 'ELA-999']) {
      const online = await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist);
      const offline = await record(pharmacist, id, {
        envelopeNumber: 'ENV-0003',
        openingCode: code,
        openedAt: justNow(),
      });
      const answer = (response: { status: number; body: unknown }) => ({
        status: response.status,
        ...(response.body as { code: string; message: string }),
      });
      expect(answer(offline)).toEqual(answer(online));
      expect([online.status, (online.body as { code: string }).code]).toEqual(
        id === withdrawn ? [409, 'WITHDRAWN'] : [404, 'NOT_FOUND'],
      );
    }
    expect((await envelopes()).find((e) => e.envelopeNumber === 'ENV-0003')).toMatchObject({
      status: 'OUTSTANDING',
    });
  });

  it('voids the earlier copy when an envelope is printed again', async () => {
    const first = inside((await print(pharmacist, 'ENV-0001').expect(200)).body as string);
    const second = (await print(pharmacist, 'ENV-0001').expect(200)).body as string;
    expect(second).toContain('Printing 3: the opening code of every earlier printed copy');
    const id = await registerOne();
    const openedAt = justNow();
    const stale = await record(pharmacist, id, {
      envelopeNumber: 'ENV-0001',
      openingCode: first.code,
      openedAt,
    }).expect(422);
    expect(stale.body).toMatchObject({ code: 'ENVELOPE_CODE_WRONG' });
    expect(first.target).toBe(inside(second).target);
  });

  it('gives one envelope to one of two pharmacists recording it at once; the other gets 409', async () => {
    await issue(statistician, 1).expect(201);
    const { code } = inside((await print(pharmacist, 'ENV-0004').expect(200)).body as string);
    const a = await registerOne();
    const b = await registerOne();
    const openedAt = justNow();
    const body = { envelopeNumber: 'ENV-0004', openingCode: code, openedAt };
    const [first, second] = await Promise.all([
      record(pharmacist, a, body),
      record(secondPharmacist, b, body),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body).toMatchObject({ code: 'ENVELOPE_USED' });
    const holders = await t.database.query<{ participant_id: string }>(
      'SELECT participant_id FROM slots WHERE participant_id IN (?, ?)',
      [a, b],
    );
    expect(holders).toHaveLength(1);
  });

  it('counts who held which envelope in the blinding register', async () => {
    const response = await t
      .http()
      .get('/api/blinding-register')
      .set('Authorization', monitor)
      .expect(200);
    const body = response.body as {
      envelopes: {
        envelopeNumber: string;
        participantId: string | null;
        holders: { username: string; how: string }[];
      }[];
      participants: { participantId: string; exposures: { username: string; how: string }[] }[];
    };
    const used = body.envelopes.find((e) => e.envelopeNumber === 'ENV-0002');
    expect(used).toBeDefined();
    expect(used!.holders.map((h) => `${h.username}:${h.how}`)).toEqual([
      'pharm:ENVELOPE_PRINTED',
      'pharm:ALLOCATED',
    ]);
    const reprinted = body.envelopes.find((e) => e.envelopeNumber === 'ENV-0001');
    expect(reprinted!.holders.filter((h) => h.how === 'ENVELOPE_PRINTED')).toHaveLength(3);
    // The printer of a used envelope knew that participant's allocation before it was made.
    const participant = body.participants.find((p) => p.participantId === used!.participantId);
    expect(participant!.exposures.map((e) => e.how)).toContain('ENVELOPE_PRINTED');
    expect(JSON.stringify(body)).not.toMatch(LIMB_WORDS);
  });

  it('voids unused envelopes at the lock; nothing is printed or recorded after it; the list verifies', async () => {
    const { code } = inside((await print(pharmacist, 'ENV-0003').expect(200)).body as string);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'End of the downtime envelopes test' })
      .expect(200);
    const voided = await lastEntry('ENVELOPES_VOIDED');
    expect(voided).toMatchObject({
      actor: 'admin',
      details: { envelopes: ['ENV-0001', 'ENV-0003'], count: 2 },
    });
    const after = await envelopes();
    expect(after.filter((e) => e.status === 'VOIDED').map((e) => e.envelopeNumber)).toEqual([
      'ENV-0001',
      'ENV-0003',
    ]);
    const id = await t.database.query<{ participant_id: string }>(
      'SELECT participant_id FROM participants WHERE allocated_at IS NULL ORDER BY number LIMIT 1',
    );
    const late = await record(pharmacist, id[0].participant_id, {
      envelopeNumber: 'ENV-0003',
      openingCode: code,
      openedAt: justNow(),
    }).expect(409);
    expect(late.body).toMatchObject({ code: 'STUDY_LOCKED' });
    const reprint = await print(pharmacist, 'ENV-0003').expect(409);
    expect(JSON.parse(reprint.body as string)).toMatchObject({ code: 'ENVELOPE_VOIDED' });
    await issue(statistician, 1).expect(409);

    // The export gives the envelope slots to their participants; the voided ones to nobody.
    const exported = await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', statistician)
      .expect(200);
    const slots = (exported.body as { slots: { slot: number; participantId: string | null }[] })
      .slots;
    expect(slots[0].participantId).toBeNull();
    expect(slots[1].participantId).not.toBeNull();
    expect(slots[2].participantId).toBeNull();
    const log = await t.http().get('/api/audit-log?format=json').set('Authorization', admin);
    const dir = mkdtempSync(join(tmpdir(), 'envelopes-verify-'));
    try {
      const listFile = join(dir, 'list.json');
      const auditFile = join(dir, 'audit.json');
      writeFileSync(listFile, JSON.stringify(exported.body));
      writeFileSync(auditFile, log.text);
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      expect(await runCli(['list', 'verify', listFile, '--audit', auditFile], io)).toBe(0);
      expect(lines.join('\n')).not.toMatch(/INVALID/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await t.database.verifyAudit()).valid).toBe(true);
  });
});

describe('Downtime envelopes in a stratified trial (end to end)', () => {
  const stratified = loadTrialFile(STRATIFIED_TRIAL_FILE);
  let t: TestApp;
  let pharmacist: string;

  beforeAll(async () => {
    t = await startTestApp({ TRIAL_CONFIG: STRATIFIED_TRIAL_FILE });
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'stratified-envelopes-e2e-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 1 })
      .expect(201);
  });
  afterAll(() => t?.close());

  it('issues one envelope per stratum and refuses an envelope of another stratum (409, audited)', async () => {
    const listed = await t
      .http()
      .get('/api/downtime-envelopes')
      .set('Authorization', pharmacist)
      .expect(200);
    const all = (listed.body as { envelopes: Envelope[] }).envelopes;
    expect(all).toHaveLength(4);
    expect(new Set(all.map((e) => e.stratum)).size).toBe(4);
    const southM = all.find((e) => e.stratum === 'site=south;sex=M')!;
    const printed = await t
      .http()
      .post(`/api/downtime-envelopes/${southM.envelopeNumber}/print`)
      .set('Authorization', pharmacist)
      .expect(200);
    const code = /Opening code: <strong>([0-9A-Z-]+)<\/strong>/.exec(printed.text)![1];
    // A parallel design: the page has one label, naming the site only.
    expect(printed.text.slice(0, printed.text.indexOf(ENVELOPE_CUT_LINE_TEXT))).not.toMatch(
      /ACTIVE|PLACEBO/,
    );
    const registered = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(stratified, 'SCR-N-F', { strata: { site: 'north', sex: 'F' } }))
      .expect(201);
    const id = (registered.body as { participantId: string }).participantId;
    const response = await t
      .http()
      .post(`/api/participants/${id}/offline-allocation`)
      .set('Authorization', pharmacist)
      .send({
        envelopeNumber: southM.envelopeNumber,
        openingCode: code,
        openedAt: new Date().toISOString(),
      })
      .expect(409);
    expect(response.body).toMatchObject({ code: 'ENVELOPE_WRONG_STRATUM' });
    const entries = await t.database.auditEntries();
    expect(entries[entries.length - 1]).toMatchObject({
      action: 'OFFLINE_ALLOCATION_REFUSED',
      details: { code: 'ENVELOPE_WRONG_STRATUM', status: 409 },
    });
    // Online, that participant gets slot 2 of its stratum: slot 1 is the envelope's.
    const online = await t
      .http()
      .post(`/api/participants/${id}/allocation`)
      .set('Authorization', pharmacist)
      .expect(201);
    expect((online.body as { slot: number }).slot).toBe(2);
  });
});

describe('Downtime envelopes printed again after a copy was opened (end to end)', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
    jest.useRealTimers();
  });

  it('records the opened copy with the code of the later printing and the time written on the copy', async () => {
    t = await startTestApp();
    const statistician = await t.userWith('stat', ['statistician']);
    await t.userWith('pharm', ['pharmacist']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'envelope-reprint-e2e-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 1 })
      .expect(201);
    const printAt = async (at: number) => {
      moveClockTo(at);
      const pharmacist = await t.login('pharm');
      const printed = await t
        .http()
        .post('/api/downtime-envelopes/ENV-0001/print')
        .set('Authorization', pharmacist)
        .expect(200);
      return { pharmacist, ...inside(printed.text) };
    };
    // Printed and sealed; opened during a downtime 20 minutes later; printed again an hour
    // after that, once the service was back, before anyone recorded the opened copy.
    const firstPrinting = Date.now();
    const first = await printAt(firstPrinting);
    const openedAt = new Date(firstPrinting + 20 * 60_000).toISOString();
    const second = await printAt(firstPrinting + 80 * 60_000);
    expect(second.target).toBe(first.target);
    const registered = await t
      .http()
      .post('/api/participants')
      .set('Authorization', second.pharmacist)
      .send(registration(trial, 'SCR-REPRINT'))
      .expect(201);
    const id = (registered.body as { participantId: string }).participantId;
    const record = (body: object) =>
      t
        .http()
        .post(`/api/participants/${id}/offline-allocation`)
        .set('Authorization', second.pharmacist)
        .send(body);

    // The opened copy's own code no longer opens (documented); its time is still impossible
    // before the first printing.
    const stale = await record({ envelopeNumber: 'ENV-0001', openingCode: first.code, openedAt });
    expect(stale.body).toMatchObject({ code: 'ENVELOPE_CODE_WRONG' });
    const early = await record({
      envelopeNumber: 'ENV-0001',
      openingCode: second.code,
      openedAt: new Date(firstPrinting - 5 * 60_000).toISOString(),
    });
    expect(early.body).toMatchObject({ code: 'OPENING_TIME_INVALID' });
    // The later printing's code with the time written on the copy that was opened: recorded.
    const recorded = await record({
      envelopeNumber: 'ENV-0001',
      openingCode: second.code,
      openedAt,
    });
    expect({ status: recorded.status, body: recorded.body as object }).toMatchObject({
      status: 201,
      body: { participantId: id, cellLimb: first.target, allocatedAt: openedAt, offline: true },
    });
  });
});

describe('Downtime envelopes: an offline allocation is all or nothing (end to end)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('keeps nothing of an offline allocation whose slot claim does not take (500, envelope still outstanding)', async () => {
    t = await startTestApp();
    const statistician = await t.userWith('stat', ['statistician']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'envelope-all-or-nothing-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 1 })
      .expect(201);
    const printed = await t
      .http()
      .post('/api/downtime-envelopes/ENV-0001/print')
      .set('Authorization', pharmacist)
      .expect(200);
    const { code } = inside(printed.text);
    const ids: string[] = [];
    for (const screening of ['SCR-AON-1', 'SCR-AON-2']) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
      ids.push((registered.body as { participantId: string }).participantId);
    }
    const [recorded, holder] = ids;
    // The envelope's slot taken behind the service's back: the envelope and the participant
    // writes would take, the slot's claim cannot.
    await t.database.execute(
      'UPDATE slots SET participant_id = ?, allocated_at = ? WHERE id = (SELECT slot_id FROM downtime_envelopes WHERE number = 1)',
      [holder, new Date().toISOString()],
    );
    const before = (await t.database.auditEntries()).length;
    const response = await t
      .http()
      .post(`/api/participants/${recorded}/offline-allocation`)
      .set('Authorization', pharmacist)
      .send({ envelopeNumber: 'ENV-0001', openingCode: code, openedAt: justNow() });
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toMatch(LIMB_WORDS);
    const [envelope] = await t.database.query<{ used_at: string | null; participant_id: string }>(
      'SELECT used_at, participant_id FROM downtime_envelopes WHERE number = 1',
    );
    expect(envelope).toEqual({ used_at: null, participant_id: null });
    const [participant] = await t.database.query<{ allocated_at: string | null }>(
      'SELECT allocated_at FROM participants WHERE participant_id = ?',
      [recorded],
    );
    expect(participant.allocated_at).toBeNull();
    const added = (await t.database.auditEntries()).slice(before);
    expect(added.filter((e) => e.action === 'ALLOCATED')).toEqual([]);
  });
});

describe('Downtime envelopes and an exhausted list (end to end)', () => {
  let t: TestApp;
  let dir: string;
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says in LIST_EXHAUSTED how many slots outstanding envelopes still hold, and nothing of what they hold', async () => {
    dir = mkdtempSync(join(tmpdir(), 'envelopes-exhausted-'));
    const small = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as {
      randomization: { slotsPerStratum?: number };
    };
    small.randomization.slotsPerStratum = 4;
    const file = join(dir, 'small.json');
    writeFileSync(file, JSON.stringify(small));
    t = await startTestApp({ TRIAL_CONFIG: file });
    const statistician = await t.userWith('stat', ['statistician']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    const monitor = await t.userWith('mon', ['monitor']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'envelopes-exhausted-e2e-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 2 })
      .expect(201);
    const ids: string[] = [];
    for (let i = 1; i <= 4; i += 1) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, `SCR-EXH-${i}`))
        .expect(201);
      ids.push((registered.body as { participantId: string }).participantId);
    }
    const allocate = (id: string) =>
      t.http().post(`/api/participants/${id}/allocation`).set('Authorization', pharmacist);
    await allocate(ids[0]).expect(201);
    await allocate(ids[1]).expect(201);

    const exhausted = async (id: string) => {
      const response = await allocate(id).expect(409);
      const body = response.body as { code: string; message: string };
      expect(body.code).toBe('LIST_EXHAUSTED');
      const entries = await t.database.auditEntries();
      expect(entries[entries.length - 1]).toMatchObject({
        action: 'ALLOCATION_REFUSED',
        participantId: id,
        reason: body.message,
        details: { code: 'LIST_EXHAUSTED', status: 409 },
      });
      // What a monitor reads of the refusal names no target.
      const log = await t
        .http()
        .get(`/api/audit-log?format=json&participantId=${id}`)
        .set('Authorization', monitor)
        .expect(200);
      expect(JSON.stringify(log.body)).not.toMatch(LIMB_WORDS);
      expect(JSON.stringify(response.headers)).not.toMatch(LIMB_WORDS);
      expect(body.message).not.toMatch(LIMB_WORDS);
      return body.message;
    };
    expect(await exhausted(ids[2])).toBe(
      'The list of stratum "all" is exhausted: no free slot is left; 2 slots are held by outstanding downtime envelopes',
    );

    const printed = await t
      .http()
      .post('/api/downtime-envelopes/ENV-0001/print')
      .set('Authorization', pharmacist)
      .expect(200);
    await t
      .http()
      .post(`/api/participants/${ids[3]}/offline-allocation`)
      .set('Authorization', pharmacist)
      .send({
        envelopeNumber: 'ENV-0001',
        openingCode: inside(printed.text).code,
        openedAt: justNow(),
      })
      .expect(201);
    expect(await exhausted(ids[2])).toBe(
      'The list of stratum "all" is exhausted: no free slot is left; 1 slot is held by an outstanding downtime envelope',
    );
  });
});

describe('Downtime envelopes: wrong opening codes are throttled per envelope (end to end)', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
    jest.useRealTimers();
  });

  it('refuses an envelope after 5 wrong codes in 15 minutes (429 THROTTLED, audited), the right code alike, until the window passes', async () => {
    t = await startTestApp();
    const statistician = await t.userWith('stat', ['statistician']);
    await t.userWith('pharm', ['pharmacist']);
    const started = Date.now();
    moveClockTo(started);
    let pharmacist = await t.login('pharm');
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'envelope-code-throttle-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 2 })
      .expect(201);
    const codes: Record<string, string> = {};
    for (const envelopeNumber of ['ENV-0001', 'ENV-0002']) {
      const printed = await t
        .http()
        .post(`/api/downtime-envelopes/${envelopeNumber}/print`)
        .set('Authorization', pharmacist)
        .expect(200);
      codes[envelopeNumber] = inside(printed.text).code;
    }
    const ids: string[] = [];
    for (const screening of ['SCR-THR-1', 'SCR-THR-2']) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
      ids.push((registered.body as { participantId: string }).participantId);
    }
    const record = (id: string, envelopeNumber: string, openingCode: string) =>
      t
        .http()
        .post(`/api/participants/${id}/offline-allocation`)
        .set('Authorization', pharmacist)
        .send({ envelopeNumber, openingCode, openedAt: justNow() });
    const wrong = '0000-0000-0000-0000';

    const messages: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const response = await record(ids[0], 'ENV-0001', wrong).expect(422);
      expect(response.body).toMatchObject({ code: 'ENVELOPE_CODE_WRONG' });
      messages.push((response.body as { message: string }).message);
    }
    expect(messages[0]).toContain('after 4 more wrong codes within 15 minutes');
    expect(messages[3]).toContain('after 1 more wrong code within 15 minutes');
    expect(messages[4]).toContain('the envelope now refuses attempts for 15 minutes');

    // Refused now whatever is typed: the right code gets the very answer a wrong one gets.
    const before = (await t.database.auditEntries()).length;
    const blockedWrong = await record(ids[0], 'ENV-0001', wrong).expect(429);
    const blockedRight = await record(ids[0], 'ENV-0001', codes['ENV-0001']).expect(429);
    expect(blockedRight.body).toEqual(blockedWrong.body);
    expect(blockedRight.body).toMatchObject({ statusCode: 429, code: 'THROTTLED' });
    expect((blockedRight.body as { message: string }).message).toMatch(
      /^Envelope ENV-0001 took 5 wrong opening codes in the last 15 minutes and refuses attempts for now; wait \d+ minutes?, then type the code of its latest printing$/,
    );
    const added = (await t.database.auditEntries()).slice(before);
    expect(added.map((e) => [e.action, e.outcome, e.details.code, e.details.status])).toEqual([
      ['OFFLINE_ALLOCATION_REFUSED', 'DENIED', 'THROTTLED', 429],
      ['OFFLINE_ALLOCATION_REFUSED', 'DENIED', 'THROTTLED', 429],
    ]);
    for (const response of [blockedWrong, blockedRight]) {
      expect(JSON.stringify(response.body)).not.toMatch(LIMB_WORDS);
      expect(JSON.stringify(response.headers)).not.toMatch(LIMB_WORDS);
    }
    expect(JSON.stringify(added)).not.toMatch(LIMB_WORDS);
    // Only the wrong codes were counted, and no code typed is stored.
    expect(await t.database.count('envelope_code_failures')).toBe(5);
    const stored = (await t.database.rowsAsText('envelope_code_failures')).join('\n');
    expect(stored).not.toContain('0000-0000');
    expect(stored).not.toContain(codes['ENV-0001']);

    // Another envelope is not held by this one's failures.
    await record(ids[1], 'ENV-0002', codes['ENV-0002']).expect(201);

    // Fifteen minutes after the first failure the envelope takes codes again.
    moveClockTo(started + 16 * 60_000);
    pharmacist = await t.login('pharm');
    const recorded = await record(ids[0], 'ENV-0001', codes['ENV-0001']).expect(201);
    expect(recorded.body).toMatchObject({ participantId: ids[0], offline: true });
    expect(await t.database.count('envelope_code_failures')).toBe(5);
  });
});

describe('Downtime envelopes on a practice instance (end to end)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('clears the envelopes and their counted wrong codes with the practice list', async () => {
    t = await startTestApp({ TRAINING: 'true' });
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const statistician = await t.userWith('stat', ['statistician']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'envelope-practice-reset-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 1 })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes/ENV-0001/print')
      .set('Authorization', pharmacist)
      .expect(200);
    const registered = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, 'SCR-PRACTICE'))
      .expect(201);
    await t
      .http()
      .post(
        `/api/participants/${(registered.body as { participantId: string }).participantId}/offline-allocation`,
      )
      .set('Authorization', pharmacist)
      .send({ envelopeNumber: 'ENV-0001', openingCode: '0000-0000-0000-0000', openedAt: justNow() })
      .expect(422);
    expect(await t.database.count('envelope_code_failures')).toBe(1);
    await t
      .http()
      .post('/api/randomization-list/reset')
      .set('Authorization', admin)
      .send({ reason: 'Start of the next course' })
      .expect(200);
    expect(await t.database.count('envelope_code_failures')).toBe(0);
    expect(await t.database.count('downtime_envelopes')).toBe(0);
  });
});

describe('Downtime envelopes: voiding one before the lock (end to end)', () => {
  let t: TestApp;
  let admin: string;
  let statistician: string;
  let pharmacist: string;
  let monitor: string;
  const codes: Record<string, string> = {};
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    statistician = await t.userWith('stat', ['statistician']);
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    monitor = await t.userWith('mon', ['monitor']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'envelope-void-e2e-seed' })
      .expect(201);
    await t
      .http()
      .post('/api/downtime-envelopes')
      .set('Authorization', statistician)
      .send({ perStratum: 4 })
      .expect(201);
    for (const envelopeNumber of ['ENV-0001', 'ENV-0002']) {
      const printed = await t
        .http()
        .post(`/api/downtime-envelopes/${envelopeNumber}/print`)
        .set('Authorization', pharmacist)
        .expect(200);
      codes[envelopeNumber] = inside(printed.text).code;
    }
    for (const screening of ['SCR-VOID-1', 'SCR-VOID-2']) {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, screening))
        .expect(201);
      ids.push((registered.body as { participantId: string }).participantId);
    }
  });
  afterAll(() => t?.close());

  const voidEnvelope = (token: string, envelopeNumber: string, body: object) =>
    t
      .http()
      .post(`/api/downtime-envelopes/${envelopeNumber}/void`)
      .set('Authorization', token)
      .send(body);
  const record = (participantId: string, envelopeNumber: string) =>
    t
      .http()
      .post(`/api/participants/${participantId}/offline-allocation`)
      .set('Authorization', pharmacist)
      .send({ envelopeNumber, openingCode: codes[envelopeNumber], openedAt: justNow() });
  const status = async (envelopeNumber: string) =>
    (
      (await t.http().get('/api/downtime-envelopes').set('Authorization', monitor).expect(200))
        .body as {
        envelopes: (Envelope & { voidedBy: string | null; voidReason: string | null })[];
      }
    ).envelopes.find((e) => e.envelopeNumber === envelopeNumber);
  const added = async (before: number) => (await t.database.auditEntries()).slice(before);
  const entryCount = async () => (await t.database.auditEntries()).length;
  const reason = 'Seal found broken at the weekly check of the pharmacy box';

  it('lets only the statistician void, and only with a reason of 1 to 500 characters that says something', async () => {
    for (const token of [pharmacist, admin, monitor]) {
      await voidEnvelope(token, 'ENV-0001', { reason }).expect(403);
    }
    for (const body of [
      {},
      { reason: '' },
      { reason: ' \n\t ' },
      { reason: 'x'.repeat(501) },
      { reason: 42 },
      { reason: 'Seal\u0000broken' },
      { reason, extra: true },
    ]) {
      const before = await entryCount();
      const response = await voidEnvelope(statistician, 'ENV-0001', body).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await added(before)).map((e) => e.outcome)).toEqual(['REJECTED']);
    }
    expect(await status('ENV-0001')).toMatchObject({ status: 'OUTSTANDING', voidedAt: null });
  });

  it('voids an outstanding envelope: 200 with its number and the reason, ENVELOPE_VOIDED, no target or slot', async () => {
    const before = await entryCount();
    const response = await voidEnvelope(statistician, 'ENV-0001', { reason }).expect(200);
    expect(response.body).toEqual({
      envelopeNumber: 'ENV-0001',
      stratum: 'all',
      status: 'VOIDED',
      printCount: 1,
      voidedAt: expect.any(String) as string,
      voidedBy: 'stat',
      reason,
    });
    expect(JSON.stringify(response.body)).not.toMatch(LIMB_WORDS);
    expect(JSON.stringify(response.body)).not.toMatch(/"slot"/);
    const entries = await added(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'ENVELOPE_VOIDED',
      actor: 'stat',
      outcome: 'SUCCESS',
      participantId: null,
      reason,
      details: { envelopeNumber: 'ENV-0001', stratum: 'all', printCount: 1 },
    });
    expect(Object.keys(entries[0].details).sort()).toEqual([
      'envelopeNumber',
      'printCount',
      'stratum',
    ]);
    expect(JSON.stringify(entries[0])).not.toMatch(LIMB_WORDS);
    // Every role reading the list sees who voided it and why.
    expect(await status('ENV-0001')).toMatchObject({
      status: 'VOIDED',
      voidedAt: (response.body as { voidedAt: string }).voidedAt,
      voidedBy: 'stat',
      voidReason: reason,
    });
  });

  it('takes a reason of exactly 500 characters, kept whole, on an envelope never printed', async () => {
    const longest = `Lost in transit. ${'x'.repeat(500 - 'Lost in transit. '.length)}`;
    expect(longest).toHaveLength(500);
    const response = await voidEnvelope(statistician, 'ENV-0004', { reason: longest }).expect(200);
    expect(response.body).toMatchObject({
      envelopeNumber: 'ENV-0004',
      printCount: 0,
      reason: longest,
    });
    expect(await status('ENV-0004')).toMatchObject({
      status: 'VOIDED',
      voidedBy: 'stat',
      voidReason: longest,
    });
  });

  it('no longer opens a voided envelope with its code, nor prints it (409 ENVELOPE_VOIDED, audited)', async () => {
    let before = await entryCount();
    const recorded = await record(ids[0], 'ENV-0001').expect(409);
    expect(recorded.body).toMatchObject({ code: 'ENVELOPE_VOIDED' });
    expect((recorded.body as { message: string }).message).toContain('voided on its own');
    expect(JSON.stringify(recorded.body)).not.toMatch(LIMB_WORDS);
    expect(await added(before)).toMatchObject([
      {
        action: 'OFFLINE_ALLOCATION_REFUSED',
        participantId: ids[0],
        details: { code: 'ENVELOPE_VOIDED', status: 409 },
      },
    ]);
    // Refused before the code is read: nothing counted against the envelope.
    expect(await t.database.count('envelope_code_failures')).toBe(0);
    before = await entryCount();
    const printed = await t
      .http()
      .post('/api/downtime-envelopes/ENV-0001/print')
      .set('Authorization', pharmacist)
      .expect(409);
    expect(JSON.parse(printed.text)).toMatchObject({ code: 'ENVELOPE_VOIDED' });
    expect(await added(before)).toMatchObject([
      { action: 'ENVELOPE_PRINT_REFUSED', details: { code: 'ENVELOPE_VOIDED', status: 409 } },
    ]);
    const [row] = await t.database.query<{ print_count: number; participant_id: string | null }>(
      'SELECT print_count, participant_id FROM downtime_envelopes WHERE number = 1',
    );
    expect([Number(row.print_count), row.participant_id]).toEqual([1, null]);
  });

  it('refuses to void an envelope voided already, used, unknown or misnumbered, each audited once', async () => {
    await record(ids[0], 'ENV-0002').expect(201);
    const cases: [string, number, string, string][] = [
      ['ENV-0001', 409, 'ENVELOPE_VOIDED', 'DENIED'],
      ['ENV-0002', 409, 'ENVELOPE_USED', 'DENIED'],
      ['ENV-0999', 404, 'ENVELOPE_NOT_FOUND', 'REJECTED'],
      ['ENV-12', 400, 'VALIDATION_FAILED', 'REJECTED'],
    ];
    for (const [envelopeNumber, httpStatus, code, outcome] of cases) {
      const before = await entryCount();
      const response = await voidEnvelope(statistician, envelopeNumber, { reason }).expect(
        httpStatus,
      );
      expect(response.body).toMatchObject({ code });
      expect(JSON.stringify(response.body)).not.toMatch(LIMB_WORDS);
      expect(await added(before)).toMatchObject([
        { action: 'ENVELOPE_VOID_REFUSED', outcome, details: { code, status: httpStatus } },
      ]);
    }
    expect(await status('ENV-0002')).toMatchObject({ status: 'USED', participantId: ids[0] });
  });

  it('keeps the voided envelope’s slot consumed: online allocation never gets it', async () => {
    const online = await t
      .http()
      .post(`/api/participants/${ids[1]}/allocation`)
      .set('Authorization', pharmacist)
      .expect(201);
    // Slots 1 to 4 are the envelopes' (1 voided, 2 used, 3 outstanding, 4 voided): the next is 5.
    expect((online.body as { slot: number }).slot).toBe(5);
    const [slot] = await t.database.query<{ participant_id: string | null }>(
      'SELECT s.participant_id FROM slots s JOIN downtime_envelopes e ON e.slot_id = s.id WHERE e.number = 1',
    );
    expect(slot.participant_id).toBeNull();
  });

  it('refuses voiding after the lock with the lock’s refusal; the lock voids the rest, and the list verifies', async () => {
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'End of the envelope voiding test' })
      .expect(200);
    expect(await status('ENV-0003')).toMatchObject({
      status: 'VOIDED',
      voidedBy: 'admin',
      voidReason: 'Not used by the study lock',
    });
    expect(await status('ENV-0001')).toMatchObject({ voidedBy: 'stat', voidReason: reason });
    for (const envelopeNumber of ['ENV-0003', 'ENV-0001']) {
      const before = await entryCount();
      const response = await voidEnvelope(statistician, envelopeNumber, { reason }).expect(409);
      expect(response.body).toMatchObject({ code: 'STUDY_LOCKED' });
      expect(await added(before)).toMatchObject([
        { action: 'ENVELOPE_VOID_REFUSED', details: { code: 'STUDY_LOCKED', status: 409 } },
      ]);
    }
    const reprint = await t
      .http()
      .post('/api/downtime-envelopes/ENV-0003/print')
      .set('Authorization', pharmacist)
      .expect(409);
    expect(JSON.parse(reprint.text)).toMatchObject({
      code: 'ENVELOPE_VOIDED',
      message: expect.stringContaining('(study lock)') as string,
    });

    const exported = await t
      .http()
      .get('/api/randomization-list/export')
      .set('Authorization', statistician)
      .expect(200);
    const slots = (exported.body as { slots: { slot: number; participantId: string | null }[] })
      .slots;
    expect(slots.slice(0, 5).map((s) => s.participantId)).toEqual([
      null,
      ids[0],
      null,
      null,
      ids[1],
    ]);
    const log = await t.http().get('/api/audit-log?format=json').set('Authorization', admin);
    const dir = mkdtempSync(join(tmpdir(), 'envelopes-void-verify-'));
    try {
      const listFile = join(dir, 'list.json');
      const auditFile = join(dir, 'audit.json');
      writeFileSync(listFile, JSON.stringify(exported.body));
      writeFileSync(auditFile, log.text);
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      expect(await runCli(['list', 'verify', listFile, '--audit', auditFile], io)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await t.database.verifyAudit()).valid).toBe(true);
  });
});
