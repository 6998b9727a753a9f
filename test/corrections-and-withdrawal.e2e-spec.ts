import { loadTrialFile } from '../src/config/trial-file.loader';
import { registration, STRATIFIED_TRIAL_FILE } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

const trial = loadTrialFile(STRATIFIED_TRIAL_FILE);
const REASON = 'Screening number mistyped at registration';
const WITHDRAWAL = 'Consent withdrawn by the participant at the visit';
const NORTH_F = { site: 'north', sex: 'F' };

interface Row {
  screeningNumber: string;
  age: number;
  stratum: string;
  eligibility: string;
  withdrawnAt: string | null;
}

/**
 * Issue 15 item 3 on a stratified trial: corrections (before allocation anything, eligibility
 * evaluated again; after it, never the strata), withdrawal (the allocation stands), neither after
 * lock, and every refusal audited once with nothing changed.
 */
describe('Corrections and withdrawal (end to end)', () => {
  let t: TestApp;
  let pharmacist: string;
  let investigator: string;
  let monitor: string;
  let unblinder: string;

  beforeAll(async () => {
    t = await startTestApp({ TRIAL_CONFIG: STRATIFIED_TRIAL_FILE });
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    investigator = await t.userWith('inv', ['investigator']);
    monitor = await t.userWith('mon', ['monitor']);
    unblinder = await t.userWith('unb', ['unblinder']);
    const statistician = await t.userWith('stat', ['statistician']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({ seed: 'corrections-e2e-seed-01' })
      .expect(201);
  });
  afterAll(() => t?.close());

  const register = async (screening: string): Promise<string> => {
    const response = await t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, screening, { strata: NORTH_F }))
      .expect(201);
    return (response.body as { participantId: string }).participantId;
  };
  const correct = (id: string, body: object, token = pharmacist) =>
    t.http().patch(`/api/participants/${id}`).set('Authorization', token).send(body);
  const withdraw = (id: string, body: object = { reason: WITHDRAWAL }, token = investigator) =>
    t.http().post(`/api/participants/${id}/withdrawal`).set('Authorization', token).send(body);
  const allocate = (id: string) =>
    t.http().post(`/api/participants/${id}/allocation`).set('Authorization', pharmacist);
  const rowOf = async (id: string): Promise<Row> => {
    const [row] = await t.database.query<Row>(
      'SELECT screening_number AS "screeningNumber", age, stratum, eligibility, ' +
        'withdrawn_at AS "withdrawnAt" FROM participants WHERE participant_id = ?',
      [id],
    );
    return row;
  };
  const lastEntry = async () => (await t.database.auditEntries()).at(-1)!;

  /** The request is refused with `status` and `code`, audited by exactly one entry, and changes no row. */
  const expectRefused = async (
    send: () => Promise<{ status: number; body: unknown }>,
    status: number,
    code: string,
    id: string,
  ) => {
    const before = await rowOf(id);
    const entries = (await t.database.auditEntries()).length;
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, code });
    expect(await rowOf(id)).toEqual(before);
    const after = await t.database.auditEntries();
    expect(after).toHaveLength(entries + 1);
    expect(after.at(-1)).toMatchObject({ outcome: expect.stringMatching(/DENIED|REJECTED/) });
    expect(after.at(-1)!.details).toMatchObject({ code });
    return response;
  };

  it('corrects any field before allocation, with the old and new values in the audit entry', async () => {
    const id = await register('SCR-TYPO');
    const response = await correct(id, {
      reason: REASON,
      screeningNumber: 'SCR-100',
      age: 61,
      strata: { site: 'south', sex: 'M' },
    }).expect(200);
    expect(response.body).toMatchObject({
      participant: {
        participantId: id,
        screeningNumber: 'SCR-100',
        stratum: 'site=south;sex=M',
        status: 'REGISTERED',
      },
      changed: ['screeningNumber', 'age', 'stratum'],
      failed: [],
    });
    expect(await rowOf(id)).toMatchObject({
      screeningNumber: 'SCR-100',
      age: 61,
      stratum: 'site=south;sex=M',
    });
    expect(await lastEntry()).toMatchObject({
      action: 'REGISTRATION_CORRECTED',
      outcome: 'SUCCESS',
      actor: 'pharm',
      participantId: id,
      reason: REASON,
      details: {
        changed: ['screeningNumber', 'age', 'stratum'],
        before: { screeningNumber: 'SCR-TYPO', age: 50, stratum: 'site=north;sex=F' },
        after: { screeningNumber: 'SCR-100', age: 61, stratum: 'site=south;sex=M' },
        allocated: false,
      },
    });
  });

  it('evaluates eligibility again before allocation: a failing correction is a 422 and changes nothing', async () => {
    const id = await register('SCR-ELIG');
    const refused = await expectRefused(
      () => correct(id, { reason: REASON, eligibility: { 'exc-pregnancy': true }, age: 81 }),
      422,
      'NOT_ELIGIBLE',
      id,
    );
    expect(refused.body).toMatchObject({ failed: ['age', 'exc-pregnancy'] });
    expect(await lastEntry()).toMatchObject({
      action: 'REGISTRATION_CORRECTION_REFUSED',
      participantId: id,
      details: { failed: ['age', 'exc-pregnancy'], status: 422 },
    });
    // An answer corrected the other way is evaluated the same way and kept.
    await correct(id, { reason: REASON, eligibility: { 'inc-consent': true } }).expect(400);
    const kept = await correct(id, { reason: REASON, age: 80 }, investigator).expect(200);
    expect(kept.body).toMatchObject({ changed: ['age'], failed: [] });
  });

  it.each([
    ['no field to correct', { reason: REASON }, 'VALIDATION_FAILED'],
    ['a reason under 10 characters', { reason: 'typo', age: 40 }, 'VALIDATION_FAILED'],
    [
      'an unknown criterion',
      { reason: REASON, eligibility: { 'exc-x': false } },
      'VALIDATION_FAILED',
    ],
    [
      'a non-boolean answer',
      { reason: REASON, eligibility: { 'inc-consent': 'yes' } },
      'VALIDATION_FAILED',
    ],
    [
      'an unknown level',
      { reason: REASON, strata: { site: 'east', sex: 'F' } },
      'VALIDATION_FAILED',
    ],
    ['a missing factor', { reason: REASON, strata: { site: 'south' } }, 'VALIDATION_FAILED'],
    ['a null age', { reason: REASON, age: null }, 'VALIDATION_FAILED'],
    ['an unknown field', { reason: REASON, limb: 'LEFT' }, 'VALIDATION_FAILED'],
    [
      'values equal to the registered ones',
      { reason: REASON, age: 50, strata: NORTH_F },
      'NO_CHANGE',
    ],
  ])('refuses %s with 400 and a stable code, audited', async (_what, body, code) => {
    const id = await register(
      `SCR-BAD-${code}-${Object.keys(body).length}-${Math.random().toString(36).slice(2, 8)}`,
    );
    await expectRefused(() => correct(id, body), 400, code, id);
  });

  it('refuses a screening number already registered (409 DUPLICATE) and an unknown participant (404)', async () => {
    const id = await register('SCR-DUP-A');
    await register('SCR-DUP-B');
    await expectRefused(
      () => correct(id, { reason: REASON, screeningNumber: 'SCR-DUP-B' }),
      409,
      'DUPLICATE',
      id,
    );
    const entries = (await t.database.auditEntries()).length;
    await correct('ST-999', { reason: REASON, age: 40 }).expect(404);
    await withdraw('ST-999').expect(404);
    expect(await t.database.auditEntries()).toHaveLength(entries + 2);
  });

  it('lets only a pharmacist or an investigator correct or withdraw', async () => {
    const id = await register('SCR-ROLES');
    await expectRefused(
      () => correct(id, { reason: REASON, age: 41 }, monitor),
      403,
      'FORBIDDEN',
      id,
    );
    await expectRefused(
      () => withdraw(id, { reason: WITHDRAWAL }, unblinder),
      403,
      'FORBIDDEN',
      id,
    );
  });

  it('after allocation refuses a change of strata with 409 STRATUM_FIXED, and corrects the rest', async () => {
    const id = await register('SCR-ALLOC');
    await allocate(id).expect(201);
    const refused = await expectRefused(
      () => correct(id, { reason: REASON, strata: { site: 'south', sex: 'F' } }),
      409,
      'STRATUM_FIXED',
      id,
    );
    expect((refused.body as { message: string }).message).toContain('site=north;sex=F');
    expect(await lastEntry()).toMatchObject({
      action: 'REGISTRATION_CORRECTION_REFUSED',
      details: { stratum: 'site=north;sex=F', requestedStratum: 'site=south;sex=F' },
    });

    // The same strata are no change of stratum: the screening number typo is corrected.
    const fixed = await correct(id, {
      reason: REASON,
      screeningNumber: 'SCR-ALLOC-1',
      strata: NORTH_F,
    }).expect(200);
    expect(fixed.body).toMatchObject({
      participant: { screeningNumber: 'SCR-ALLOC-1', status: 'ALLOCATED' },
      changed: ['screeningNumber'],
      failed: [],
    });

    // An answer found wrong after allocation is recorded, the allocation stands, the failure is named.
    const deviation = await correct(id, {
      reason: 'Pregnancy test result arrived after allocation',
      eligibility: { 'exc-pregnancy': true },
    }).expect(200);
    expect(deviation.body).toMatchObject({ changed: ['eligibility'], failed: ['exc-pregnancy'] });
    expect(await lastEntry()).toMatchObject({
      action: 'REGISTRATION_CORRECTED',
      details: {
        allocated: true,
        failed: ['exc-pregnancy'],
        before: { eligibility: { 'inc-consent': true, 'exc-pregnancy': false } },
        after: { eligibility: { 'inc-consent': true, 'exc-pregnancy': true } },
      },
    });
  });

  it('refuses a stratum change of an allocated participant in the database too', async () => {
    const id = await register('SCR-TRIGGER');
    await allocate(id).expect(201);
    await expect(
      t.database.execute('UPDATE participants SET stratum = ? WHERE participant_id = ?', [
        'site=south;sex=M',
        id,
      ]),
    ).rejects.toThrow(/stratum cannot change/);
  });

  it('withdraws an allocated participant: the allocation stands, the status shows WITHDRAWN, and it can still be unblinded', async () => {
    const id = await register('SCR-WD-ALLOC');
    const allocation = await allocate(id).expect(201);
    const slot = (allocation.body as { slot: number }).slot;
    const freeBefore = await t.database.count('slots', 'participant_id IS NULL');

    const response = await withdraw(id).expect(200);
    expect(response.body).toMatchObject({
      participantId: id,
      status: 'WITHDRAWN',
      allocatedAt: expect.any(String),
      withdrawal: { withdrawn: true, by: 'inv', reason: WITHDRAWAL, at: expect.any(String) },
    });
    expect(JSON.stringify(response.body)).not.toMatch(/LEFT|RIGHT|ACTIVE|PLACEBO|cellLimb/);
    expect(await t.database.count('slots', 'participant_id = ?', [id])).toBe(1);
    expect(await t.database.count('slots', 'participant_id IS NULL')).toBe(freeBefore);
    expect(await lastEntry()).toMatchObject({
      action: 'PARTICIPANT_WITHDRAWN',
      outcome: 'SUCCESS',
      actor: 'inv',
      participantId: id,
      reason: WITHDRAWAL,
      details: { allocated: true, unblinded: false },
    });
    const listed = await t.http().get(`/api/participants/${id}`).set('Authorization', monitor);
    expect(listed.body).toMatchObject({ status: 'WITHDRAWN' });

    const reread = await t
      .http()
      .get(`/api/participants/${id}/allocation`)
      .set('Authorization', pharmacist)
      .expect(200);
    expect(reread.body).toMatchObject({ slot });
    await t
      .http()
      .post(`/api/participants/${id}/unblinding`)
      .set('Authorization', unblinder)
      .send({ reason: 'Serious adverse event after withdrawal', password: USER_PASSWORD })
      .expect(200);
    const after = await t.http().get(`/api/participants/${id}`).set('Authorization', monitor);
    expect(after.body).toMatchObject({ status: 'WITHDRAWN', seal: { unblinded: true } });

    await expectRefused(() => withdraw(id), 409, 'ALREADY_WITHDRAWN', id);
    expect(await lastEntry()).toMatchObject({ action: 'WITHDRAWAL_REFUSED', participantId: id });
    await expect(
      t.database.execute('UPDATE participants SET withdrawn_at = NULL WHERE participant_id = ?', [
        id,
      ]),
    ).rejects.toThrow(/cannot change once withdrawn_at is set/);
  });

  it('refuses to allocate a participant withdrawn before allocation (409 WITHDRAWN), claiming no slot', async () => {
    const id = await register('SCR-WD-REG');
    await withdraw(id, { reason: WITHDRAWAL }, pharmacist).expect(200);
    const free = await t.database.count('slots', 'participant_id IS NULL');
    await expectRefused(() => allocate(id), 409, 'WITHDRAWN', id);
    expect(await lastEntry()).toMatchObject({ action: 'ALLOCATION_REFUSED', participantId: id });
    expect(await t.database.count('slots', 'participant_id IS NULL')).toBe(free);
  });

  it('refuses a withdrawal with a short or missing reason (400)', async () => {
    const id = await register('SCR-WD-BAD');
    await expectRefused(() => withdraw(id, { reason: 'moved' }), 400, 'VALIDATION_FAILED', id);
    await expectRefused(() => withdraw(id, {}), 400, 'VALIDATION_FAILED', id);
  });

  it('refuses both after lock with 409 STUDY_LOCKED, audited', async () => {
    const id = await register('SCR-LOCK');
    const admin = await t.login('admin', ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', admin)
      .send({ reason: 'Database lock for the final analysis' })
      .expect(200);
    await expectRefused(() => correct(id, { reason: REASON, age: 44 }), 409, 'STUDY_LOCKED', id);
    expect(await lastEntry()).toMatchObject({ action: 'REGISTRATION_CORRECTION_REFUSED' });
    await expectRefused(() => withdraw(id), 409, 'STUDY_LOCKED', id);
    expect(await lastEntry()).toMatchObject({ action: 'WITHDRAWAL_REFUSED' });
    expect(await t.database.verifyAudit()).toMatchObject({ valid: true });
  });
});
