import { TRAINING_BANNER, trainingMismatch } from './training';

describe(trainingMismatch.name, () => {
  const marker = (training: boolean) => ({ training, source: '/srv/d/installation.json' });

  it.each([
    [false, false],
    [true, true],
  ])('accepts the flag %p on a database recorded as training=%p', (flag, recorded) => {
    expect(trainingMismatch(flag, marker(recorded), '/srv/d')).toBeUndefined();
  });

  it('refuses a training database started without the flag, naming TRAINING and the directory', () => {
    const message = trainingMismatch(false, marker(true), '/srv/d');
    expect(message).toMatch(
      /^TRAINING is not set, but the data directory \/srv\/d holds a training database/,
    );
    expect(message).toContain('/srv/d/installation.json');
    expect(message).toContain('TRAINING=true');
  });

  it('refuses a clinical database started with the flag, naming TRAINING and the directory', () => {
    const message = trainingMismatch(true, marker(false), '/srv/d');
    expect(message).toMatch(
      /^TRAINING=true, but the data directory \/srv\/d holds a clinical database/,
    );
    expect(message).toContain('./data-training');
  });

  it('has the banner text of the issue, with an em dash', () => {
    expect(TRAINING_BANNER).toBe('TRAINING \u2014 NOT FOR CLINICAL USE');
  });
});
