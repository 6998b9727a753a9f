import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/crypto/canonical-json';
import { nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The blinding assessment attacked from outside: what a monitor reading the audit log, a guesser
 * probing the refusals, or a hostile client can learn of a guess or of an allocation.
 */

const trial = nctTrial();

describe('Blinding guesses under attack (end to end)', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  const limbs: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    tokens = {
      pharmacist: await t.userWith('pharm', ['pharmacist']),
      statistician: await t.userWith('stat', ['statistician']),
      investigator: await t.userWith('inv', ['investigator']),
      assessor: await t.userWith('assessor-a', ['assessor']),
      monitor: await t.userWith('mon', ['monitor']),
    };
    await t
      .http()
      .post('/api/randomization-list')
      .set('Authorization', tokens.statistician)
      .send({ seed: 'blinding-guess-attacks-seed' })
      .expect(201);
    for (let i = 1; i <= 8; i += 1) {
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', tokens.investigator)
        .send(registration(trial, `SCR-ATK-${i}`))
        .expect(201);
      const allocated = await t
        .http()
        .post(`/api/participants/ELA-00${i}/allocation`)
        .set('Authorization', tokens.pharmacist)
        .expect(201);
      limbs[`ELA-00${i}`] = (allocated.body as { cellLimb: string }).cellLimb;
    }
    // Both legs among the participants, so that a difference by leg would show.
    expect(new Set(Object.values(limbs))).toEqual(new Set(['LEFT', 'RIGHT']));
  });
  afterAll(() => t?.close());

  const guess = (token: string, id: string, body: object) =>
    t
      .http()
      .post(`/api/participants/${id}/blinding-guesses`)
      .set('Authorization', token)
      .send(body);

  it('gives a monitor no way to recover a guess from its audit entry by trying each answer', async () => {
    const recorded: Record<string, string> = {};
    for (const [id, answer] of [
      ['ELA-001', 'LEFT'],
      ['ELA-002', 'RIGHT'],
      ['ELA-003', 'DONT_KNOW'],
    ]) {
      await guess(tokens.assessor, id, { guesser: 'ASSESSOR', guess: answer }).expect(201);
      recorded[id] = answer;
    }
    const log = await t
      .http()
      .get('/api/audit-log?format=json&action=BLINDING_GUESS_RECORDED')
      .set('Authorization', tokens.monitor)
      .expect(200);
    const entries = log.body as {
      at: string;
      actor: string;
      participantId: string;
      details: Record<string, string>;
    }[];
    expect(entries).toHaveLength(3);
    // The monitor's attack: every answer, every millisecond of the ten seconds before the entry.
    const recovered: Record<string, string> = {};
    for (const entry of entries) {
      const at = Date.parse(entry.at);
      for (const answer of ['LEFT', 'RIGHT', 'DONT_KNOW']) {
        for (let ms = at; ms >= at - 10_000; ms -= 1) {
          const candidate = createHash('sha256')
            .update(
              canonicalJson({
                participantId: entry.participantId,
                guesserGroup: entry.details.guesserGroup,
                guesser: entry.details.guesser,
                guess: answer,
                recordedAt: new Date(ms).toISOString(),
                recordedBy: entry.actor,
              }),
            )
            .digest('hex');
          if (Object.values(entry.details).includes(candidate)) {
            recovered[entry.participantId] = answer;
          }
        }
      }
    }
    expect(recovered).toEqual({});
  });
  it('answers a LEFT and a RIGHT participant alike: same statuses, headers and bodies but for id and time', async () => {
    const left = Object.keys(limbs).find((id) => limbs[id] === 'LEFT' && id > 'ELA-003')!;
    const right = Object.keys(limbs).find((id) => limbs[id] === 'RIGHT' && id > 'ELA-003')!;
    const shape = async (id: string) => {
      const answers = [];
      for (const body of [
        { guesser: 'ASSESSOR', guess: 'LEFT' },
        { guesser: 'ASSESSOR', guess: 'RIGHT' },
        { guesser: 'PARTICIPANT', guess: 'DONT_KNOW' },
        { guesser: 'PARTICIPANT', guess: 'LEFT' },
        { guesser: 'ASSESSOR', guess: 'left' },
      ]) {
        const response = await guess(tokens.assessor, id, body);
        const headers = { ...response.headers } as Record<string, string>;
        for (const name of ['date', 'x-request-id', 'content-length']) delete headers[name];
        answers.push({
          status: response.status,
          headers,
          body: response.text
            .replaceAll(id, 'ID')
            .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME'),
        });
      }
      return answers;
    };
    const [leftShape, rightShape] = [await shape(left), await shape(right)];
    expect(leftShape.map((a) => a.status)).toEqual([201, 409, 201, 409, 400]);
    expect(rightShape).toEqual(leftShape);
  });
});
