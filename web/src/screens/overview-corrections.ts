import type { components } from '../api/schema';

/**
 * The overview's correction and withdrawal forms, their plain rules: the body of
 * PATCH /api/participants/:id from what the user changed, and the checks made before sending,
 * so a typo costs a message rather than an audited refusal. The server checks everything again.
 * No React, no DOM: tested in overview-corrections.spec.ts.
 */
type Schemas = components['schemas'];
export type CorrectionBody = Schemas['CorrectRegistrationDto'];
export type CorrectionAnswer = Schemas['CorrectionDto'];
export type WithdrawalBody = Schemas['WithdrawParticipantDto'];

/** As CorrectRegistrationDto and WithdrawParticipantDto want it. */
export const REASON_MIN_LENGTH = 10;
export const REASON_MAX_LENGTH = 2000;

/** An answer left as registered, or corrected to met / not met. */
export type AnswerChoice = 'unchanged' | 'met' | 'notMet';

export interface CorrectionForm {
  reason: string;
  /** Starts as the registered screening number. */
  screeningNumber: string;
  /** Empty: the age stays as registered (the blinded view does not show it). */
  age: string;
  /** One choice per criterion id. */
  answers: Record<string, AnswerChoice>;
  /** One level per factor id; '' keeps the registered stratum. */
  strata: Record<string, string>;
}

export const emptyCorrection = (screeningNumber: string): CorrectionForm => ({
  reason: '',
  screeningNumber,
  age: '',
  answers: {},
  strata: {},
});

export type CorrectionProblem =
  | 'reasonTooShort'
  | 'reasonTooLong'
  | 'ageNotWhole'
  | 'screeningEmpty'
  | 'strataIncomplete'
  | 'nothingToCorrect';

export type PreparedCorrection =
  { ok: true; body: CorrectionBody } | { ok: false; problems: CorrectionProblem[] };

/** The characters of a reason as the server counts them (code points), blanks at the ends aside. */
export function reasonLength(reason: string): number {
  return [...reason.trim()].length;
}

export function reasonProblems(reason: string): ('reasonTooShort' | 'reasonTooLong')[] {
  const length = reasonLength(reason);
  if (length < REASON_MIN_LENGTH) return ['reasonTooShort'];
  return length > REASON_MAX_LENGTH ? ['reasonTooLong'] : [];
}

/**
 * The body of a correction: only what the user changed. Strata are sent only when a level is
 * chosen for every factor (the API wants all or none); a partial choice is a problem.
 */
export function prepareCorrection(
  form: CorrectionForm,
  registeredScreeningNumber: string,
  factorIds: readonly string[],
): PreparedCorrection {
  const problems: CorrectionProblem[] = [...reasonProblems(form.reason)];
  const body: CorrectionBody = { reason: form.reason.trim() };
  const screening = form.screeningNumber.trim();
  if (!screening) problems.push('screeningEmpty');
  else if (screening !== registeredScreeningNumber) body.screeningNumber = screening;

  const age = form.age.trim();
  if (age) {
    if (!/^[0-9]{1,3}$/.test(age)) problems.push('ageNotWhole');
    else body.age = Number(age);
  }

  const eligibility: Record<string, boolean> = {};
  for (const [id, choice] of Object.entries(form.answers)) {
    if (choice !== 'unchanged') eligibility[id] = choice === 'met';
  }
  if (Object.keys(eligibility).length > 0) body.eligibility = eligibility;

  const chosen = factorIds.filter((id) => (form.strata[id] ?? '') !== '');
  if (chosen.length > 0 && chosen.length < factorIds.length) problems.push('strataIncomplete');
  else if (chosen.length > 0) {
    body.strata = Object.fromEntries(factorIds.map((id) => [id, form.strata[id] ?? '']));
  }

  if (problems.length === 0 && Object.keys(body).length === 1) problems.push('nothingToCorrect');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, body };
}

/** What the overview may offer on a row: nothing after lock; no second withdrawal. */
export function rowActions(
  participant: { withdrawal: { withdrawn: boolean } },
  state: { locked: boolean; mayChange: boolean },
): { correct: boolean; withdraw: boolean } {
  const open = state.mayChange && !state.locked;
  return { correct: open, withdraw: open && !participant.withdrawal.withdrawn };
}
