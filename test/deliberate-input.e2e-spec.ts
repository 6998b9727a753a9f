import { eligibleAnswers, nctTrial, registration } from './support/trial-fixtures';
import { startTestApp, TestApp } from './support/test-app';

const trial = nctTrial();

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  failed?: string[];
}

describe('Deliberate input (end to end)', () => {
  let t: TestApp;
  let pharmacist: string;

  beforeAll(async () => {
    t = await startTestApp();
    pharmacist = await t.userWith('deliberate-pharm', ['pharmacist']);
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
});
