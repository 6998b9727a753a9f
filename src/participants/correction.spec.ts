import { EligibilityRules, StratificationFactor } from '../config/trial-definition';
import { planCorrection, RegistrationRecord, withdrawalRefusal } from './correction';

const eligibility: EligibilityRules = {
  minAge: 18,
  maxAge: 70,
  inclusion: [{ id: 'inc-a', text: 'A' }],
  exclusion: [{ id: 'exc-b', text: 'B' }],
};
const stratification: StratificationFactor[] = [
  { id: 'site', levels: ['north', 'south'] },
  { id: 'sex', levels: ['F', 'M'] },
];
const trial = { eligibility, stratification };
const current: RegistrationRecord = {
  screeningNumber: 'S-1',
  age: 50,
  eligibility: { 'inc-a': true, 'exc-b': false },
  stratum: 'site=north;sex=F',
};

describe(planCorrection.name, () => {
  it('before allocation changes every field given and reports the old and new values of each', () => {
    expect(
      planCorrection(trial, current, false, {
        screeningNumber: 'S-2',
        age: 51,
        strata: { site: 'south', sex: 'F' },
      }),
    ).toEqual({
      kind: 'correct',
      after: { ...current, screeningNumber: 'S-2', age: 51, stratum: 'site=south;sex=F' },
      changed: ['screeningNumber', 'age', 'stratum'],
      before: { screeningNumber: 'S-1', age: 50, stratum: 'site=north;sex=F' },
      corrected: { screeningNumber: 'S-2', age: 51, stratum: 'site=south;sex=F' },
      failed: [],
    });
  });

  it('merges corrected answers over the registered ones and evaluates eligibility again', () => {
    expect(planCorrection(trial, current, false, { eligibility: { 'exc-b': true } })).toEqual({
      kind: 'ineligible',
      failed: ['exc-b'],
    });
    expect(planCorrection(trial, current, false, { age: 71 })).toEqual({
      kind: 'ineligible',
      failed: ['age'],
    });
    expect(planCorrection(trial, current, false, { age: 70 })).toMatchObject({
      kind: 'correct',
      changed: ['age'],
    });
  });

  it('evaluates the whole record: a registered answer that fails still fails after another change', () => {
    const failing = { ...current, eligibility: { 'inc-a': false, 'exc-b': false } };
    expect(planCorrection(trial, failing, false, { age: 40 })).toEqual({
      kind: 'ineligible',
      failed: ['inc-a'],
    });
  });

  it('after allocation refuses a change of stratum, but not the same stratum given again', () => {
    expect(planCorrection(trial, current, true, { strata: { site: 'south', sex: 'F' } })).toEqual({
      kind: 'stratum-fixed',
      from: 'site=north;sex=F',
      to: 'site=south;sex=F',
    });
    expect(
      planCorrection(trial, current, true, {
        strata: { sex: 'F', site: 'north' },
        screeningNumber: 'S-9',
      }),
    ).toMatchObject({ kind: 'correct', changed: ['screeningNumber'] });
  });

  it('after allocation keeps a correction that fails eligibility and names the failure', () => {
    expect(planCorrection(trial, current, true, { eligibility: { 'exc-b': true } })).toEqual({
      kind: 'correct',
      after: { ...current, eligibility: { 'inc-a': true, 'exc-b': true } },
      changed: ['eligibility'],
      before: { eligibility: { 'inc-a': true, 'exc-b': false } },
      corrected: { eligibility: { 'inc-a': true, 'exc-b': true } },
      failed: ['exc-b'],
    });
  });

  it('refuses a stratum change even when the same request also fails eligibility', () => {
    expect(
      planCorrection(trial, current, true, { strata: { site: 'south', sex: 'M' }, age: 99 }),
    ).toMatchObject({ kind: 'stratum-fixed' });
  });

  it('answers no-change when every value equals the registered one, whatever the key order', () => {
    expect(
      planCorrection(trial, current, false, {
        screeningNumber: 'S-1',
        age: 50,
        eligibility: { 'exc-b': false, 'inc-a': true },
        strata: { sex: 'F', site: 'north' },
      }),
    ).toEqual({ kind: 'no-change' });
    expect(planCorrection(trial, current, true, {})).toEqual({ kind: 'no-change' });
  });

  it('names every unknown criterion, factor and level, and changes nothing', () => {
    expect(
      planCorrection(trial, current, false, {
        eligibility: { 'inc-x': true, 'exc-b': true },
        strata: { site: 'east', sex: 'F', colour: 'red' },
      }),
    ).toEqual({
      kind: 'invalid',
      problems: [
        'eligibility.inc-x is not a criterion of this trial',
        'strata.colour is not a stratification factor of this trial',
        'strata.site: "east" is not one of north, south',
      ],
    });
  });

  it('treats an answer keyed like an Object.prototype member as unknown', () => {
    const answers = Object.create(null) as Record<string, boolean>;
    answers['toString'] = true;
    expect(planCorrection(trial, current, false, { eligibility: answers })).toMatchObject({
      kind: 'invalid',
      problems: ['eligibility.toString is not a criterion of this trial'],
    });
  });
});

describe(withdrawalRefusal.name, () => {
  it('refuses after lock first, then a second withdrawal, and allows the rest', () => {
    expect(withdrawalRefusal({ locked: true, withdrawnAt: '2026-01-01T00:00:00.000Z' })).toBe(
      'study-locked',
    );
    expect(withdrawalRefusal({ locked: false, withdrawnAt: '2026-01-01T00:00:00.000Z' })).toBe(
      'already-withdrawn',
    );
    expect(withdrawalRefusal({ locked: false, withdrawnAt: null })).toBeUndefined();
  });
});
