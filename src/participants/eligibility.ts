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
