import { AGE_CRITERION, EligibilityRules } from '../config/trial-definition';

export type EligibilityResult =
  | { kind: 'eligible' }
  | { kind: 'ineligible'; failed: string[] }
  | { kind: 'incomplete'; missing: string[]; unknown: string[] };

/**
 * Decides eligibility from the trial's rules, the participant's age and one answer per criterion.
 *
 * Each answer says whether the criterion is MET for the participant:
 * - an inclusion criterion fails when it is answered false (the participant does not meet it);
 * - an exclusion criterion fails when it is answered true (the exclusion applies, so the
 *   participant is excluded).
 * An age outside [minAge, maxAge] (both bounds included) fails under the criterion id 'age'.
 *
 * Every criterion must be answered and no other id may be given: otherwise the answer set is
 * 'incomplete' (missing ids in the file's order, unknown ids in the order given), and nothing is
 * judged, so a registration with a typo is sent back for correction rather than refused as
 * ineligible. `failed` lists 'age' first, then the inclusion and then the exclusion criteria, each
 * in the file's order.
 *
 * The age is compared as given: whether a non-integer or otherwise implausible age is acceptable
 * input is for the caller (the request validation) to decide.
 *
 * Only own keys count, whatever their name: an answer keyed `constructor`, `__proto__` or
 * `toString` is as unknown as any other id (the request pipe keeps such keys, see KeepEveryKey).
 */
export function evaluateEligibility(
  rules: EligibilityRules,
  age: number,
  answers: Record<string, boolean>,
): EligibilityResult {
  const criteria = [...rules.inclusion, ...rules.exclusion];
  const known = new Set(criteria.map((criterion) => criterion.id));
  const missing = criteria
    .filter((criterion) => !Object.hasOwn(answers, criterion.id))
    .map((criterion) => criterion.id);
  const unknown = Object.keys(answers).filter((id) => !known.has(id));
  if (missing.length > 0 || unknown.length > 0) return { kind: 'incomplete', missing, unknown };

  const failed: string[] = [];
  if (!(age >= rules.minAge && age <= rules.maxAge)) failed.push(AGE_CRITERION);
  for (const criterion of rules.inclusion) {
    if (answers[criterion.id] !== true) failed.push(criterion.id);
  }
  for (const criterion of rules.exclusion) {
    if (answers[criterion.id] !== false) failed.push(criterion.id);
  }
  return failed.length === 0 ? { kind: 'eligible' } : { kind: 'ineligible', failed };
}

/**
 * One phrase per failed criterion id, in the order of `failed`, for the message of a refusal: the
 * age names the range ("age 71: the trial admits 18 to 70"), an inclusion criterion is "not met",
 * an exclusion criterion "applies". Ids stay ids: the criterion texts are in GET /api/trial.
 */
export function describeFailures(rules: EligibilityRules, age: number, failed: string[]): string[] {
  const exclusion = new Set(rules.exclusion.map((criterion) => criterion.id));
  return failed.map((id) => {
    if (id === AGE_CRITERION) {
      return `age ${age}: the trial admits ${rules.minAge} to ${rules.maxAge}`;
    }
    return exclusion.has(id) ? `${id}: applies` : `${id}: not met`;
  });
}
