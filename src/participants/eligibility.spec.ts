import { join } from 'node:path';
import { EligibilityRules } from '../config/trial-definition';
import { loadTrialFile } from '../config/trial-file.loader';
import { AGE_CRITERION } from '../config/trial-definition';
import { describeFailures, evaluateEligibility } from './eligibility';

const TRIALS_DIR = join(__dirname, '..', '..', 'config', 'trials');

/** Answers that make a participant eligible: every inclusion met, no exclusion applies. */
function allGood(rules: EligibilityRules): Record<string, boolean> {
  return Object.fromEntries([
    ...rules.inclusion.map((criterion) => [criterion.id, true] as const),
    ...rules.exclusion.map((criterion) => [criterion.id, false] as const),
  ]);
}

/** The answer that makes one criterion fail: false for an inclusion, true for an exclusion. */
function failingAnswer(rules: EligibilityRules, id: string): boolean {
  return rules.exclusion.some((criterion) => criterion.id === id);
}

describe(evaluateEligibility.name, () => {
  describe.each([
    ['nct02286011.json', 18, 70, 4, 10],
    ['example-stratified-2to1.json', 18, 80, 1, 1],
  ])('with the trial file %s', (file, minAge, maxAge, inclusionCount, exclusionCount) => {
    const rules = loadTrialFile(join(TRIALS_DIR, file)).eligibility;
    const criterionIds = [...rules.inclusion, ...rules.exclusion].map((criterion) => criterion.id);
    const inclusionIds = rules.inclusion.map((criterion) => criterion.id);
    const exclusionIds = rules.exclusion.map((criterion) => criterion.id);

    it('reads the expected rules from the file', () => {
      expect([rules.minAge, rules.maxAge]).toEqual([minAge, maxAge]);
      expect([inclusionIds.length, exclusionIds.length]).toEqual([inclusionCount, exclusionCount]);
    });

    it('finds a participant eligible when every inclusion is met and no exclusion applies', () => {
      expect(evaluateEligibility(rules, minAge + 1, allGood(rules))).toEqual({ kind: 'eligible' });
    });

    it.each(inclusionIds)('names the failed inclusion criterion %s when it is not met', (id) => {
      const answers = { ...allGood(rules), [id]: false };
      expect(evaluateEligibility(rules, minAge, answers)).toEqual({
        kind: 'ineligible',
        failed: [id],
      });
    });

    it.each(exclusionIds)('names the failed exclusion criterion %s when it applies', (id) => {
      const answers = { ...allGood(rules), [id]: true };
      expect(evaluateEligibility(rules, maxAge, answers)).toEqual({
        kind: 'ineligible',
        failed: [id],
      });
    });

    it('names every failed criterion at once: age first, then inclusion, then exclusion in file order', () => {
      // Answer every criterion the wrong way, in reverse order, so the output order cannot come
      // from the order of the answers object.
      const answers = Object.fromEntries(
        [...criterionIds].reverse().map((id) => [id, failingAnswer(rules, id)] as const),
      );
      expect(evaluateEligibility(rules, maxAge + 1, answers)).toEqual({
        kind: 'ineligible',
        failed: [AGE_CRITERION, ...inclusionIds, ...exclusionIds],
      });
    });

    it('names only the criteria that fail when some fail and others pass', () => {
      const firstInclusion = inclusionIds[0];
      const lastExclusion = exclusionIds[exclusionIds.length - 1];
      const answers = { ...allGood(rules), [lastExclusion]: true, [firstInclusion]: false };
      expect(evaluateEligibility(rules, minAge - 1, answers)).toEqual({
        kind: 'ineligible',
        failed: [AGE_CRITERION, firstInclusion, lastExclusion],
      });
    });

    it.each([
      [minAge - 1, false],
      [minAge, true],
      [maxAge, true],
      [maxAge + 1, false],
    ])('treats age %d as inside the range: %s (both bounds included)', (age, inside) => {
      expect(evaluateEligibility(rules, age, allGood(rules))).toEqual(
        inside ? { kind: 'eligible' } : { kind: 'ineligible', failed: [AGE_CRITERION] },
      );
    });

    it('reports every unanswered criterion in file order, and judges nothing', () => {
      const answers = allGood(rules);
      const missing = [inclusionIds[0], exclusionIds[exclusionIds.length - 1]];
      for (const id of missing) delete answers[id];
      // Even with a failing age and a failing answer, an incomplete form is not judged.
      if (inclusionIds.length > 1) answers[inclusionIds[1]] = false;
      expect(evaluateEligibility(rules, maxAge + 1, answers)).toEqual({
        kind: 'incomplete',
        missing,
        unknown: [],
      });
    });

    it('reports every criterion as missing when no answer is given', () => {
      expect(evaluateEligibility(rules, minAge, {})).toEqual({
        kind: 'incomplete',
        missing: criterionIds,
        unknown: [],
      });
    });

    it('reports answers to criteria the trial does not have', () => {
      const answers = { ...allGood(rules), 'inc-typo': true, [AGE_CRITERION]: true };
      expect(evaluateEligibility(rules, minAge, answers)).toEqual({
        kind: 'incomplete',
        missing: [],
        unknown: ['inc-typo', AGE_CRITERION],
      });
    });

    it('reports missing and unknown answers together', () => {
      const { [exclusionIds[0]]: renamed, ...rest } = allGood(rules);
      const answers = { ...rest, [`${exclusionIds[0]}x`]: renamed };
      expect(evaluateEligibility(rules, minAge, answers)).toEqual({
        kind: 'incomplete',
        missing: [exclusionIds[0]],
        unknown: [`${exclusionIds[0]}x`],
      });
    });
  });

  describe('with rules made for the purpose', () => {
    const rules: EligibilityRules = {
      minAge: 18,
      maxAge: 70,
      inclusion: [
        { id: 'inc-b', text: 'B' },
        { id: 'inc-a', text: 'A' },
      ],
      exclusion: [{ id: 'exc-a', text: 'A' }],
    };

    it('keeps the file order of criteria rather than sorting their ids', () => {
      expect(
        evaluateEligibility(rules, 30, { 'exc-a': true, 'inc-a': false, 'inc-b': false }),
      ).toEqual({ kind: 'ineligible', failed: ['inc-b', 'inc-a', 'exc-a'] });
    });

    it('judges only the age when a trial has no criteria', () => {
      const ageOnly: EligibilityRules = { minAge: 18, maxAge: 70, inclusion: [], exclusion: [] };
      expect(evaluateEligibility(ageOnly, 40, {})).toEqual({ kind: 'eligible' });
      expect(evaluateEligibility(ageOnly, 71, {})).toEqual({ kind: 'ineligible', failed: ['age'] });
    });

    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'])(
      'reports an answer keyed %s as unknown, like any other id',
      (name) => {
        // As JSON.parse builds it (an own "__proto__" key included), and as the pipe hands it on.
        const parsed = JSON.parse(
          `{"inc-a": true, "inc-b": true, "exc-a": false, "${name}": true}`,
        ) as Record<string, boolean>;
        const bare = Object.assign(Object.create(null) as Record<string, boolean>, parsed);
        for (const answers of [parsed, bare]) {
          expect(evaluateEligibility(rules, 30, answers)).toEqual({
            kind: 'incomplete',
            missing: [],
            unknown: [name],
          });
        }
      },
    );

    it('does not take an inherited property for an answer', () => {
      const answers = Object.create({ 'inc-a': true }) as Record<string, boolean>;
      answers['inc-b'] = true;
      answers['exc-a'] = false;
      expect(evaluateEligibility(rules, 30, answers)).toEqual({
        kind: 'incomplete',
        missing: ['inc-a'],
        unknown: [],
      });
    });

    // Whole years are the caller's concern (the request DTO validates the age as an integer);
    // this function compares the number it is given with the inclusive bounds.
    it.each([
      [17.5, ['age']],
      [70.5, ['age']],
      [18.5, []],
      [Number.NaN, ['age']],
    ])('compares a non-integer age %d with the bounds as given', (age, failed) => {
      const answers = { 'inc-a': true, 'inc-b': true, 'exc-a': false };
      expect(evaluateEligibility(rules, age, answers)).toEqual(
        failed.length === 0 ? { kind: 'eligible' } : { kind: 'ineligible', failed },
      );
    });
  });
});

describe(describeFailures.name, () => {
  const rules: EligibilityRules = {
    minAge: 18,
    maxAge: 70,
    inclusion: [{ id: 'inc-a', text: 'A' }],
    exclusion: [{ id: 'exc-a', text: 'A' }],
  };

  it.each([
    [71, 'age 71: the trial admits 18 to 70'],
    [17, 'age 17: the trial admits 18 to 70'],
  ])('names the range for age %d', (age, phrase) => {
    expect(describeFailures(rules, age, [AGE_CRITERION])).toEqual([phrase]);
  });

  it('says an inclusion criterion is not met and an exclusion applies, in the given order', () => {
    expect(describeFailures(rules, 80, [AGE_CRITERION, 'inc-a', 'exc-a'])).toEqual([
      'age 80: the trial admits 18 to 70',
      'inc-a: not met',
      'exc-a: applies',
    ]);
  });

  it('takes the bounds from the rules it is given', () => {
    expect(describeFailures({ ...rules, minAge: 40, maxAge: 65 }, 39, ['age'])).toEqual([
      'age 39: the trial admits 40 to 65',
    ]);
  });
});
