import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { canonicalJson } from '../src/crypto/canonical-json';
import { backfillRoleHistory } from '../src/database/migrations/1764000010400-role-history';
import { decodeRoleHistory, RoleHistory } from '../src/users/role-history';
import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, startTestApp, TestApp, USER_PASSWORD } from './support/test-app';

/**
 * The blinding assessment (issue 16 item 4; docs/blinding-assessment.md): guesses of which leg got
 * the cells, recorded before a participant's seal is broken and before the lock, by an assessor or
 * an investigator, audited and never changed; after lock, Bang's index per guesser group and arm
 * for the statistician, computed from the real allocations.
 */

const trial = nctTrial();
const REASON = 'Severe adverse event: the treating physician must know';

interface ArmRow {
  arm: string;
  correct: number;
  incorrect: number;
  dontKnow: number;
  n: number;
  index: number | null;
  standardError: number | null;
  ci95: { lower: number; upper: number } | null;
  notEstimable: string | null;
}
interface Assessment {
  protocolId: string;
  lockedAt: string;
  method: string;
  groups: { group: string; guesses: number; guessers: number; arms: ArmRow[] }[];
}

const other = (limb: string) => (limb === 'LEFT' ? 'RIGHT' : 'LEFT');

describe('Blinding assessment (end to end)', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  /** The leg that got the cells, as the pharmacist saw it at allocation. */
  const limbs: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    tokens = {
      admin: await t.login('admin', ADMIN_PASSWORD),
      pharmacist: await t.userWith('pharm', ['pharmacist']),
      statistician: await t.userWith('stat', ['statistician']),
      investigator: await t.userWith('inv', ['investigator']),
      assessor: await t.userWith('assessor-a', ['assessor']),
      assessor2: await t.userWith('assessor-b', ['assessor']),
      monitor: await t.userWith('mon', ['monitor']),
      unblinder: await t.userWith('unb', ['unblinder']),
      investigatingPharmacist: await t.userWith('inv-pharm', ['investigator', 'pharmacist']),
    };
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', tokens.statistician)
      .send({ seed: 'blinding-assessment-e2e-seed' })
      .expect(201);
    // ELA-001..ELA-006 allocated, ELA-007 registered only.
    for (let i = 1; i <= 7; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', tokens.investigator)
        .send(registration(trial, `SCR-BI-${i}`))
        .expect(201);
      if (i === 7) continue;
      const allocated = await t
        .http()
        .post(`/api/participants/ELA-00${i}/allocation`)
        .set('Authorization', tokens.pharmacist)
        .expect(201);
      limbs[`ELA-00${i}`] = (allocated.body as { cellLimb: string }).cellLimb;
    }
  });
  afterAll(() => t?.close());

  const guess = (token: string, id: string, body: object) =>
    t
      .http()
      .post(`/api/participants/${id}/blinding-guesses`)
      .set('Authorization', token)
      .send(body);
  const lastEntry = async () => (await t.database.auditEntries()).at(-1)!;

  it('records an assessor’s own guess: 201 naming no target, audited with no target word', async () => {
    const response = await guess(tokens.assessor, 'ELA-001', {
      guesser: 'ASSESSOR',
      guess: limbs['ELA-001'],
    }).expect(201);
    expect(response.body).toEqual({
      participantId: 'ELA-001',
      guesserGroup: 'ASSESSOR',
      guesser: 'assessor-a',
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      recordedBy: 'assessor-a',
    });
    expect(JSON.stringify(response.body)).not.toMatch(/LEFT|RIGHT/);
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      action: 'BLINDING_GUESS_RECORDED',
      outcome: 'SUCCESS',
      actor: 'assessor-a',
      participantId: 'ELA-001',
      details: { guesserGroup: 'ASSESSOR', guesser: 'assessor-a' },
    });
    expect(JSON.stringify(entry)).not.toMatch(/LEFT|RIGHT/);
  });

  it('ties the stored row to its audit entry by the SHA-256 of the row', async () => {
    const [row] = await t.database.query<Record<string, string>>(
      "SELECT participant_id, guesser_group, guesser, guess, recorded_at, recorded_by, record_salt FROM blinding_guesses WHERE guesser = 'assessor-a' AND participant_id = 'ELA-001'",
    );
    const hash = createHash('sha256')
      .update(
        canonicalJson({
          participantId: row.participant_id,
          guesserGroup: row.guesser_group,
          guesser: row.guesser,
          guess: row.guess,
          recordedAt: row.recorded_at,
          recordedBy: row.recorded_by,
          salt: row.record_salt,
        }),
      )
      .digest('hex');
    expect(row.record_salt).toMatch(/^[0-9a-f]{64}$/);
    const entry = (await t.database.auditEntries()).find(
      (e) => e.action === 'BLINDING_GUESS_RECORDED' && e.participantId === 'ELA-001',
    );
    expect(entry?.details.recordSha256).toBe(hash);
    expect(row.guess).toBe(limbs['ELA-001']);
  });

  it('records the participant’s own guess, entered by an investigator, under the participant’s id', async () => {
    const response = await guess(tokens.investigator, 'ELA-001', {
      guesser: 'PARTICIPANT',
      guess: limbs['ELA-001'],
    }).expect(201);
    expect(response.body).toMatchObject({
      guesserGroup: 'PARTICIPANT',
      guesser: 'ELA-001',
      recordedBy: 'inv',
    });
  });

  it('refuses a second guess by the same guesser with 409 ALREADY_GUESSED, audited, and keeps the first', async () => {
    for (const [token, body] of [
      [tokens.assessor, { guesser: 'ASSESSOR', guess: 'DONT_KNOW' }],
      // The participant's guess, whoever enters it the second time.
      [tokens.assessor2, { guesser: 'PARTICIPANT', guess: 'DONT_KNOW' }],
    ] as const) {
      const response = await guess(token, 'ELA-001', body).expect(409);
      expect(response.body).toMatchObject({ code: 'ALREADY_GUESSED' });
      expect(await lastEntry()).toMatchObject({
        action: 'BLINDING_GUESS_REFUSED',
        outcome: 'DENIED',
        participantId: 'ELA-001',
        details: { code: 'ALREADY_GUESSED', status: 409 },
      });
    }
    expect(
      await t.database.count('blinding_guesses', "participant_id = 'ELA-001' AND guess = ?", [
        'DONT_KNOW',
      ]),
    ).toBe(0);
  });

  it('takes one guess only when two arrive at once', async () => {
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        guess(tokens.assessor2, 'ELA-002', { guesser: 'ASSESSOR', guess: 'DONT_KNOW' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    expect(
      await t.database.count(
        'blinding_guesses',
        "participant_id = 'ELA-002' AND guesser = 'assessor-b'",
      ),
    ).toBe(1);
  });

  it('refuses a guess that is neither a target nor DONT_KNOW, and an unknown guesser group (400)', async () => {
    for (const body of [
      { guesser: 'ASSESSOR', guess: 'UP' },
      { guesser: 'ASSESSOR', guess: 'left' },
      { guesser: 'PHARMACIST', guess: 'LEFT' },
      { guesser: 'ASSESSOR' },
    ]) {
      const response = await guess(tokens.assessor, 'ELA-003', body).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await t.database.count('blinding_guesses', "participant_id = 'ELA-003'")).toBe(0);
  });

  it('refuses an unknown participant (404) and one not yet allocated (409 NOT_ALLOCATED), audited', async () => {
    const unknown = await guess(tokens.assessor, 'ELA-999', {
      guesser: 'ASSESSOR',
      guess: 'DONT_KNOW',
    }).expect(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(await lastEntry()).toMatchObject({
      action: 'BLINDING_GUESS_REFUSED',
      outcome: 'REJECTED',
    });
    const registered = await guess(tokens.assessor, 'ELA-007', {
      guesser: 'ASSESSOR',
      guess: 'DONT_KNOW',
    }).expect(409);
    expect(registered.body).toMatchObject({ code: 'NOT_ALLOCATED' });
    expect(await lastEntry()).toMatchObject({
      action: 'BLINDING_GUESS_REFUSED',
      participantId: 'ELA-007',
      details: { code: 'NOT_ALLOCATED' },
    });
  });

  it('refuses roles other than assessor and investigator (403), and an investigator who is also a pharmacist (403 GUESSER_NOT_BLINDED)', async () => {
    for (const role of ['admin', 'pharmacist', 'statistician', 'monitor', 'unblinder']) {
      const response = await guess(tokens[role], 'ELA-003', {
        guesser: 'ASSESSOR',
        guess: 'DONT_KNOW',
      });
      expect({ role, status: response.status }).toEqual({ role, status: 403 });
    }
    const mixed = await guess(tokens.investigatingPharmacist, 'ELA-003', {
      guesser: 'PARTICIPANT',
      guess: 'DONT_KNOW',
    }).expect(403);
    expect(mixed.body).toMatchObject({ code: 'GUESSER_NOT_BLINDED' });
    expect(await lastEntry()).toMatchObject({
      action: 'BLINDING_GUESS_REFUSED',
      actor: 'inv-pharm',
      details: { code: 'GUESSER_NOT_BLINDED', status: 403 },
    });
    expect(await t.database.count('blinding_guesses', "participant_id = 'ELA-003'")).toBe(0);
  });

  it('refuses a guess once the participant was unblinded (409 SEAL_BROKEN), audited', async () => {
    await t
      .http()
      .post('/api/participants/ELA-006/unblinding')
      .set('Authorization', tokens.unblinder)
      .send({ reason: REASON, password: USER_PASSWORD })
      .expect(200);
    for (const [token, guesser] of [
      [tokens.assessor, 'ASSESSOR'],
      [tokens.investigator, 'PARTICIPANT'],
    ]) {
      const response = await guess(token, 'ELA-006', { guesser, guess: 'DONT_KNOW' }).expect(409);
      expect(response.body).toMatchObject({ code: 'SEAL_BROKEN' });
      expect(await lastEntry()).toMatchObject({
        action: 'BLINDING_GUESS_REFUSED',
        outcome: 'DENIED',
        participantId: 'ELA-006',
        details: { code: 'SEAL_BROKEN', status: 409 },
      });
    }
    expect(await t.database.count('blinding_guesses', "participant_id = 'ELA-006'")).toBe(0);
  });

  it('refuses UPDATE and DELETE of a guess in the database itself', async () => {
    await expect(
      t.database.execute("UPDATE blinding_guesses SET guess = 'DONT_KNOW'"),
    ).rejects.toThrow(/append-only/);
    await expect(t.database.execute('DELETE FROM blinding_guesses')).rejects.toThrow(/append-only/);
    expect(await t.database.count('blinding_guesses')).toBe(3);
  });

  it('gives no index before lock: 409 NOT_LOCKED, audited, and only to the statistician', async () => {
    const response = await t
      .http()
      .get('/api/blinding-assessment')
      .set('Authorization', tokens.statistician)
      .expect(409);
    expect(response.body).toMatchObject({ code: 'NOT_LOCKED' });
    expect(await lastEntry()).toMatchObject({
      action: 'BLINDING_ASSESSMENT_REFUSED',
      outcome: 'DENIED',
      details: { code: 'NOT_LOCKED', status: 409 },
    });
    for (const role of ['admin', 'investigator', 'assessor', 'monitor', 'pharmacist']) {
      await t.http().get('/api/blinding-assessment').set('Authorization', tokens[role]).expect(403);
      expect(await lastEntry()).toMatchObject({
        action: 'ACCESS_DENIED',
        outcome: 'DENIED',
        details: { route: 'GET /api/blinding-assessment', status: 403, code: 'FORBIDDEN' },
      });
    }
    await t.http().get('/api/blinding-assessment').expect(401);
    expect(await lastEntry()).toMatchObject({
      action: 'ACCESS_DENIED',
      actor: 'anonymous',
      details: { route: 'GET /api/blinding-assessment', status: 401 },
    });
  });

  it('after lock: refuses every guess and gives Bang’s index per group and arm', async () => {
    // The rest of the design, before lock. Participants: ELA-001 correct (above), ELA-002 wrong,
    // ELA-003..005 don't know. Assessor A: correct for ELA-002..005 (and ELA-001 above);
    // assessor B (an investigator here): wrong for ELA-001, 003, 004, 005 (and don't know for 002).
    await guess(tokens.investigator, 'ELA-002', {
      guesser: 'PARTICIPANT',
      guess: other(limbs['ELA-002']),
    }).expect(201);
    for (const id of ['ELA-003', 'ELA-004', 'ELA-005']) {
      await guess(tokens.assessor, id, { guesser: 'PARTICIPANT', guess: 'DONT_KNOW' }).expect(201);
    }
    for (const id of ['ELA-002', 'ELA-003', 'ELA-004', 'ELA-005']) {
      await guess(tokens.assessor, id, { guesser: 'ASSESSOR', guess: limbs[id] }).expect(201);
    }
    for (const id of ['ELA-001', 'ELA-003', 'ELA-004', 'ELA-005']) {
      await guess(tokens.investigator, id, { guesser: 'ASSESSOR', guess: other(limbs[id]) }).expect(
        201,
      );
    }
    await t
      .http()
      .post('/api/study/lock')
      .set('Authorization', tokens.admin)
      .send({ reason: 'Last participant completed follow-up' })
      .expect(200);
    const late = await guess(tokens.assessor2, 'ELA-003', {
      guesser: 'ASSESSOR',
      guess: 'DONT_KNOW',
    }).expect(409);
    expect(late.body).toMatchObject({ code: 'STUDY_LOCKED' });
    expect(await lastEntry()).toMatchObject({
      action: 'BLINDING_GUESS_REFUSED',
      details: { code: 'STUDY_LOCKED' },
    });

    const response = await t
      .http()
      .get('/api/blinding-assessment')
      .set('Authorization', tokens.statistician)
      .expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body as Assessment;
    expect(JSON.stringify(body)).not.toMatch(/NaN|Infinity/);
    expect(body.groups.map((g) => [g.group, g.guesses, g.guessers])).toEqual([
      ['PARTICIPANT', 5, 5],
      ['ASSESSOR', 10, 3],
    ]);

    // The expected table, from the limbs the pharmacist saw and the guesses made above.
    const inArm = (arm: string, ids: string[]) => ids.filter((id) => limbs[id] === arm).length;
    const expectedArm = (arm: string, correct: number, incorrect: number, dontKnow: number) => {
      const n = correct + incorrect + dontKnow;
      const p1 = correct / n;
      const p2 = incorrect / n;
      const se = Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2) + 2 * p1 * p2) / n);
      return {
        arm,
        correct,
        incorrect,
        dontKnow,
        n,
        index: n ? (correct - incorrect) / n : null,
        se,
      };
    };
    const check = (row: ArmRow, expected: ReturnType<typeof expectedArm>) => {
      expect(row).toMatchObject({
        arm: expected.arm,
        correct: expected.correct,
        incorrect: expected.incorrect,
        dontKnow: expected.dontKnow,
        n: expected.n,
      });
      if (expected.n === 0) {
        expect(row).toMatchObject({ index: null, ci95: null, notEstimable: 'NO_GUESSES' });
        return;
      }
      expect(row.index).toBeCloseTo(expected.index!, 12);
      expect(row.standardError).toBeCloseTo(expected.se, 12);
      if (expected.se === 0) {
        expect(row).toMatchObject({ ci95: null, notEstimable: 'ZERO_VARIANCE' });
      } else {
        expect(row.ci95?.lower).toBeCloseTo(
          Math.max(-1, expected.index! - 1.959964 * expected.se),
          5,
        );
        expect(row.ci95?.upper).toBeCloseTo(
          Math.min(1, expected.index! + 1.959964 * expected.se),
          5,
        );
      }
    };
    const [participants, assessors] = body.groups;
    expect(participants.arms.map((a) => a.arm)).toEqual(['LEFT', 'RIGHT']);
    for (const [i, arm] of ['LEFT', 'RIGHT'].entries()) {
      check(
        participants.arms[i],
        expectedArm(
          arm,
          inArm(arm, ['ELA-001']),
          inArm(arm, ['ELA-002']),
          inArm(arm, ['ELA-003', 'ELA-004', 'ELA-005']),
        ),
      );
      check(
        assessors.arms[i],
        expectedArm(
          arm,
          inArm(arm, ['ELA-001', 'ELA-002', 'ELA-003', 'ELA-004', 'ELA-005']),
          inArm(arm, ['ELA-001', 'ELA-003', 'ELA-004', 'ELA-005']),
          inArm(arm, ['ELA-002']),
        ),
      );
    }
    // The unblinded participant ELA-006 has no guess, and no other participant counts twice.
    expect(participants.arms.reduce((sum, a) => sum + a.n, 0)).toBe(5);
  });

  it('audits every reading of the index after lock as BLINDING_ASSESSMENT_VIEWED: who and how many guesses, no figure of an arm', async () => {
    const before = (await t.database.auditEntries()).length;
    for (let read = 0; read < 2; read += 1) {
      await t
        .http()
        .get('/api/blinding-assessment')
        .set('Authorization', tokens.statistician)
        .expect(200);
    }
    const entries = (await t.database.auditEntries()).slice(before);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        action: 'BLINDING_ASSESSMENT_VIEWED',
        outcome: 'SUCCESS',
        actor: 'stat',
        roles: ['statistician'],
        participantId: null,
        reason: null,
        // 15 guesses (5 participants', 10 assessors') about 5 participants, from the test above.
        details: { guesses: 15, participants: 5 },
      });
      expect(Object.keys(entry.details).sort()).toEqual(['guesses', 'participants']);
      expect(JSON.stringify(entry)).not.toMatch(/LEFT|RIGHT/);
    }
  });
});

describe('Blinding guesses on a practice instance (end to end)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('are cleared with the rest by the training reset, and can be recorded again after it', async () => {
    t = await startTestApp({ TRAINING: 'true' });
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const statistician = await t.userWith('stat', ['statistician']);
    const pharmacist = await t.userWith('pharm', ['pharmacist']);
    const assessor = await t.userWith('assessor', ['assessor']);
    const course = async () => {
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-TRN-1'))
        .expect(201);
      await t
        .http()
        .post('/api/participants/ELA-001/allocation')
        .set('Authorization', pharmacist)
        .expect(201);
      await t
        .http()
        .post('/api/participants/ELA-001/blinding-guesses')
        .set('Authorization', assessor)
        .send({ guesser: 'ASSESSOR', guess: 'DONT_KNOW' })
        .expect(201);
    };
    await course();
    await t
      .http()
      .post('/api/randomization-list/reset')
      .set('Authorization', admin)
      .send({ reason: 'Next training course starts' })
      .expect(200);
    expect(await t.database.count('blinding_guesses')).toBe(0);
    await course();
    expect(await t.database.count('blinding_guesses')).toBe(1);
  });
});

describe('Blinding guesses by former holders of an unblinded role (end to end)', () => {
  let t: TestApp;
  let admin: string;
  let pharmacist: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('admin', ADMIN_PASSWORD);
    pharmacist = await t.userWith('pharm', ['pharmacist']);
    const statistician = await t.userWith('stat', ['statistician']);
    const investigator = await t.userWith('inv', ['investigator']);
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', statistician)
      .send({})
      .expect(201);
    for (let i = 1; i <= 2; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', investigator)
        .send(registration(trial, `SCR-FH-${i}`))
        .expect(201);
      await t
        .http()
        .post(`/api/participants/ELA-00${i}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
    }
  });
  afterAll(() => t?.close());

  const setRoles = (username: string, roles: string[]) =>
    t
      .http()
      .patch(`/api/users/${username}`)
      .set('Authorization', admin)
      .send({ roles })
      .expect(200);
  const userTimes = async (username: string) => {
    const users = await t.http().get('/api/users').set('Authorization', admin).expect(200);
    return (users.body as { username: string; createdAt: string; updatedAt: string }[]).find(
      (user) => user.username === username,
    )!;
  };
  const guess = (token: string, id: string, guesser: string) =>
    t
      .http()
      .post(`/api/participants/${id}/blinding-guesses`)
      .set('Authorization', token)
      .send({ guesser, guess: 'DONT_KNOW' });
  const expectRefused = async (
    token: string,
    username: string,
    roleNow: string,
    message: RegExp,
  ) => {
    for (const guesser of ['ASSESSOR', 'PARTICIPANT']) {
      const before = (await t.database.auditEntries()).length;
      const response = await guess(token, 'ELA-001', guesser).expect(403);
      expect(response.body).toMatchObject({ code: 'GUESSER_NOT_BLINDED', statusCode: 403 });
      expect((response.body as { message: string }).message).toMatch(message);
      expect(JSON.stringify(response.body)).not.toMatch(/LEFT|RIGHT|slot/i);
      const entries = (await t.database.auditEntries()).slice(before);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'BLINDING_GUESS_REFUSED',
        outcome: 'DENIED',
        actor: username,
        roles: [roleNow],
        participantId: 'ELA-001',
        details: { code: 'GUESSER_NOT_BLINDED', status: 403 },
      });
      expect(JSON.stringify(entries[0])).not.toMatch(/LEFT|RIGHT/);
    }
    expect(await t.database.count('blinding_guesses', 'recorded_by = ?', [username])).toBe(0);
  };

  it('refuses a former pharmacist made assessor: 403 GUESSER_NOT_BLINDED naming the role and when, audited, nothing stored', async () => {
    // The pharmacist who allocated ELA-001 and ELA-002 is moved to outcome assessment.
    const created = await userTimes('pharm');
    await setRoles('pharm', ['assessor']);
    const removed = await userTimes('pharm');
    await expectRefused(
      pharmacist,
      'pharm',
      'assessor',
      new RegExp(
        `^You held the pharmacist role from ${created.createdAt} until ${removed.updatedAt}: `,
      ),
    );
    // Neither a later change of roles nor of anything else brings the blind back.
    await setRoles('pharm', ['assessor', 'investigator']);
    await t
      .http()
      .patch('/api/users/pharm')
      .set('Authorization', admin)
      .send({ displayName: 'Former pharmacist' })
      .expect(200);
    await setRoles('pharm', ['investigator']);
    await expectRefused(pharmacist, 'pharm', 'investigator', /pharmacist role from /);
  });

  it('refuses a former unblinder made investigator, audited, nothing stored', async () => {
    const unblinder = await t.userWith('unb', ['unblinder']);
    const created = await userTimes('unb');
    await setRoles('unb', ['investigator']);
    const removed = await userTimes('unb');
    await expectRefused(
      unblinder,
      'unb',
      'investigator',
      new RegExp(
        `^You held the unblinder role from ${created.createdAt} until ${removed.updatedAt}: `,
      ),
    );
  });

  it('records the guesses of a user who never held pharmacist or unblinder, whatever else they held', async () => {
    const assessor = await t.userWith('assessor-a', ['assessor', 'monitor']);
    await setRoles('assessor-a', ['assessor', 'statistician']);
    await setRoles('assessor-a', ['assessor']);
    await guess(assessor, 'ELA-001', 'ASSESSOR').expect(201);
    const investigator = await t.userWith('inv-2', ['investigator']);
    await guess(investigator, 'ELA-002', 'PARTICIPANT').expect(201);
    expect(await t.database.count('blinding_guesses')).toBe(2);
  });

  it('refuses when the stored role history cannot be read (edited behind the server): audited, nothing stored', async () => {
    const assessor = await t.userWith('assessor-c', ['assessor']);
    for (const stored of ["'not json'", "'[]'", 'NULL']) {
      await t.database.execute(
        `UPDATE users SET role_history = ${stored} WHERE username = 'assessor-c'`,
      );
      const response = await guess(assessor, 'ELA-002', 'ASSESSOR').expect(403);
      expect(response.body).toMatchObject({ code: 'GUESSER_NOT_BLINDED' });
      expect((response.body as { message: string }).message).toMatch(
        /^No readable role history is stored/,
      );
      expect((await t.database.auditEntries()).at(-1)).toMatchObject({
        action: 'BLINDING_GUESS_REFUSED',
        actor: 'assessor-c',
        details: { code: 'GUESSER_NOT_BLINDED', status: 403 },
      });
    }
    expect(await t.database.count('blinding_guesses', "recorded_by = 'assessor-c'")).toBe(0);
  });

  it('the migration’s backfill rebuilds each history from the log’s user entries and the current roles', async () => {
    const kept = await t.database.query<{ username: string; role_history: string }>(
      "SELECT username, role_history FROM users WHERE username <> 'assessor-c' ORDER BY username",
    );
    await t.database.execute('UPDATE users SET role_history = NULL');
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await backfillRoleHistory(runner);
    } finally {
      await runner.release();
    }
    const rebuilt = await t.database.query<{ username: string; role_history: string }>(
      "SELECT username, role_history FROM users WHERE username <> 'assessor-c' ORDER BY username",
    );
    // The same roles, held or not; the times are the log entries' (a few milliseconds after the
    // row's own times, which the live history takes).
    const entries = await t.database.auditEntries();
    const atOf = (action: string, username: string) =>
      entries
        .filter((e) => e.action === action && e.details.username === username)
        .map((e) => e.at);
    expect(rebuilt.map((row) => row.username)).toEqual(kept.map((row) => row.username));
    for (const [index, row] of rebuilt.entries()) {
      const live = decodeRoleHistory(kept[index].role_history);
      const replayed = decodeRoleHistory(row.role_history);
      const shape = (history: RoleHistory) =>
        Object.entries(history).map(([role, period]) => [role, period?.until === null]);
      expect({ user: row.username, roles: shape(replayed) }).toEqual({
        user: row.username,
        roles: shape(live),
      });
      const times = [...atOf('USER_CREATED', row.username), ...atOf('USER_UPDATED', row.username)];
      for (const period of Object.values(replayed)) {
        expect(times).toContain(period?.since);
        if (period?.until) expect(times).toContain(period.until);
      }
    }
    expect(
      decodeRoleHistory(rebuilt.find((row) => row.username === 'pharm')!.role_history),
    ).toMatchObject({
      pharmacist: { until: expect.any(String) as string },
      investigator: { until: null },
    });
    // A role the log does not show (granted by an edit of the row) is still entered, held.
    await t.database.execute(
      "UPDATE users SET roles = 'unblinder,assessor', role_history = NULL WHERE username = 'assessor-c'",
    );
    const again = t.app.get(DataSource).createQueryRunner();
    try {
      await backfillRoleHistory(again);
    } finally {
      await again.release();
    }
    const [c] = await t.database.query<{ role_history: string; updated_at: string }>(
      "SELECT role_history, updated_at FROM users WHERE username = 'assessor-c'",
    );
    expect(decodeRoleHistory(c.role_history)).toEqual({
      assessor: { since: atOf('USER_CREATED', 'assessor-c')[0], until: null },
      unblinder: { since: c.updated_at, until: null },
    });
  });
});
