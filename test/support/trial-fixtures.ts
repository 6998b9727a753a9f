import { loadTrialFile } from '../../src/config/trial-file.loader';
import { TrialDefinition } from '../../src/config/trial-definition';

export const NCT_TRIAL_FILE = 'config/trials/nct02286011.json';
export const STRATIFIED_TRIAL_FILE = 'config/trials/example-stratified-2to1.json';

/** Answers that make a participant eligible for the trial: every inclusion met, no exclusion. */
export function eligibleAnswers(trial: TrialDefinition): Record<string, boolean> {
  return Object.fromEntries([
    ...trial.eligibility.inclusion.map((c) => [c.id, true] as const),
    ...trial.eligibility.exclusion.map((c) => [c.id, false] as const),
  ]);
}

export const nctTrial = (): TrialDefinition => loadTrialFile(NCT_TRIAL_FILE);

export function registration(
  trial: TrialDefinition,
  screeningNumber: string,
  overrides: Partial<{
    age: number;
    eligibility: Record<string, boolean>;
    strata: Record<string, string>;
  }> = {},
) {
  return { screeningNumber, age: 50, eligibility: eligibleAnswers(trial), ...overrides };
}
