import { loadTrialFile } from '../src/config/trial-file.loader';
import { registration, STRATIFIED_TRIAL_FILE } from './support/trial-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const trial = loadTrialFile(STRATIFIED_TRIAL_FILE);

interface Allocation {
  participantId: string;
  slot: number;
  cellLimb: string;
  salineLimb: string | null;
}

/** The same service, started with another trial file and no code change: 2:1, site x sex. */
describe('A stratified 2:1 trial (end to end)', () => {
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
      .send({ seed: 'stratified-trial-e2e-seed' })
      .expect(201);
  });
  afterAll(() => t?.close());

  const register = (screening: string, strata?: Record<string, string>) =>
    t
      .http()
      .post('/api/participants')
      .set('Authorization', pharmacist)
      .send(registration(trial, screening, strata ? { strata } : {}));

  it('describes its design: targets with their ratio, strata and criteria', async () => {
    const response = await t.http().get('/api/trial').set('Authorization', pharmacist).expect(200);
    expect(response.body).toMatchObject({
      protocolId: 'EXAMPLE-STRAT-21',
      targetSize: 36,
      stratification: [
        { id: 'site', levels: ['north', 'south'] },
        { id: 'sex', levels: ['F', 'M'] },
      ],
      targets: [
        { id: 'ACTIVE', ratio: 2 },
        { id: 'PLACEBO', ratio: 1 },
      ],
      list: { generated: true, method: 'permuted-blocks' },
    });
  });

  it.each([
    [undefined, /strata.site/],
    [{ site: 'north' }, /strata.sex/],
    [{ site: 'east', sex: 'F' }, /east/],
    [{ site: 'north', sex: 'F', age: 'old' }, /age/],
  ])('refuses strata %j with 400 naming the problem', async (strata, message) => {
    const response = await register('SCR-BAD', strata).expect(400);
    expect((response.body as { message: string }).message).toMatch(message);
  });

  it('allocates each stratum from its own list, in slot order, holding the 2:1 ratio', async () => {
    const answers: Record<string, Allocation[]> = {};
    let n = 0;
    for (const site of ['north', 'south']) {
      for (const sex of ['F', 'M']) {
        const key = `site=${site};sex=${sex}`;
        answers[key] = [];
        for (let i = 0; i < 6; i += 1) {
          n += 1;
          const registered = await register(`SCR-${n}`, { site, sex }).expect(201);
          const id = (registered.body as { participantId: string }).participantId;
          expect(id).toMatch(/^EX-\d{4}$/);
          const allocated = await t
            .http()
            .post(`/api/participants/${id}/allocation`)
            .set('Authorization', pharmacist)
            .expect(201);
          answers[key].push(allocated.body as Allocation);
        }
      }
    }
    for (const list of Object.values(answers)) {
      expect(list.map((a) => a.slot)).toEqual([1, 2, 3, 4, 5, 6]);
      // 6 slots are whole blocks of 3 or 6: exactly 4 ACTIVE and 2 PLACEBO.
      expect(list.filter((a) => a.cellLimb === 'ACTIVE')).toHaveLength(4);
      expect(
        list.every((a) => a.salineLimb === (a.cellLimb === 'ACTIVE' ? 'PLACEBO' : 'ACTIVE')),
      ).toBe(true);
    }
    const allocated = (await t.database.auditEntries()).filter((e) => e.action === 'ALLOCATED');
    expect(new Set(allocated.map((e) => e.details.stratum))).toEqual(new Set(Object.keys(answers)));
  });
});
