import type { components } from '../api/schema';

/**
 * The registration form's logic, without React: what the form still lacks before it may be sent,
 * the request body it sends, and the words of a 422 (the failed criteria by their text).
 */
type Schemas = components['schemas'];
export type Eligibility = Schemas['EligibilityDto'];
export type StratificationFactor = Schemas['StratificationFactorDto'];
export type RegistrationBody = Schemas['RegisterParticipantDto'];
type NotEligibleBody = Schemas['NotEligibleBodyDto'];

/** What the user has entered; an unanswered question is absent (no default answer). */
export interface RegistrationForm {
  screeningNumber: string;
  age: string;
  strata: Record<string, string | undefined>;
  answers: Record<string, boolean | undefined>;
}

export const emptyForm = (): RegistrationForm => ({
  screeningNumber: '',
  age: '',
  strata: {},
  answers: {},
});

/** A thing the form lacks, named so that the screen can word it and point to its field. */
export type Missing =
  | { kind: 'screeningNumber' }
  | { kind: 'age' }
  | { kind: 'stratum'; factor: string }
  | { kind: 'criterion'; id: string; text: string };

/** The same rule as the API's (SCREENING_NUMBER_PATTERN in src/participants/dto). */
const SCREENING_NUMBER = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;
const WHOLE_NUMBER = /^\d{1,3}$/;

export type Prepared = { ok: true; body: RegistrationBody } | { ok: false; missing: Missing[] };

/**
 * The request body, or what is missing for it. Only the form's completeness is checked here: an
 * answer that makes the participant ineligible, or an age outside the range, is the server's to
 * refuse (422, audited), so the form never decides eligibility on its own.
 */
export function prepareRegistration(
  form: RegistrationForm,
  eligibility: Eligibility,
  stratification: readonly StratificationFactor[],
): Prepared {
  const missing: Missing[] = [];
  const screeningNumber = form.screeningNumber.trim();
  if (!SCREENING_NUMBER.test(screeningNumber)) missing.push({ kind: 'screeningNumber' });
  const age = form.age.trim();
  if (!WHOLE_NUMBER.test(age)) missing.push({ kind: 'age' });
  const strata: Record<string, string> = {};
  for (const factor of stratification) {
    const level = form.strata[factor.id];
    if (level !== undefined && factor.levels.includes(level)) strata[factor.id] = level;
    else missing.push({ kind: 'stratum', factor: factor.id });
  }
  const answers: Record<string, boolean> = {};
  for (const criterion of [...eligibility.inclusion, ...eligibility.exclusion]) {
    const answer = form.answers[criterion.id];
    if (answer === undefined) missing.push({ kind: 'criterion', ...criterion });
    else answers[criterion.id] = answer;
  }
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    body: {
      screeningNumber,
      age: Number(age),
      eligibility: answers,
      ...(stratification.length > 0 ? { strata } : {}),
    },
  };
}

/** A failed criterion of a 422, as the screen shows it. */
export type FailedCriterion =
  | { kind: 'age'; minAge: number; maxAge: number }
  | { kind: 'inclusion'; id: string; text: string }
  | { kind: 'exclusion'; id: string; text: string }
  | { kind: 'unknown'; id: string };

/**
 * The failed criteria of a 422 by their text, in the order of the trial file (age first, as the
 * form asks it first). An id that the trial does not list is kept, so nothing is dropped silently.
 */
export function failedCriteria(
  eligibility: Eligibility,
  failed: readonly string[],
): FailedCriterion[] {
  const wanted = new Set(failed);
  const found: FailedCriterion[] = [];
  if (wanted.delete('age'))
    found.push({ kind: 'age', minAge: eligibility.minAge, maxAge: eligibility.maxAge });
  for (const criterion of eligibility.inclusion)
    if (wanted.delete(criterion.id)) found.push({ kind: 'inclusion', ...criterion });
  for (const criterion of eligibility.exclusion)
    if (wanted.delete(criterion.id)) found.push({ kind: 'exclusion', ...criterion });
  for (const id of wanted) found.push({ kind: 'unknown', id });
  return found;
}

/** The `failed` list of a 422 body; an empty list when the body does not carry one. */
export function failedIdsOf(body: unknown): NotEligibleBody['failed'] {
  if (typeof body !== 'object' || body === null || !('failed' in body)) return [];
  const failed: unknown = body.failed;
  return Array.isArray(failed) ? failed.filter((id): id is string => typeof id === 'string') : [];
}
