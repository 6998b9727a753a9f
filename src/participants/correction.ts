import { EligibilityRules, StratificationFactor } from '../config/trial-definition';
import { evaluateEligibility } from './eligibility';
import { stratumKeyOf } from './stratum';

/** The fields of a registration a correction may change, in the order they are reported. */
export const CORRECTABLE_FIELDS = ['screeningNumber', 'age', 'eligibility', 'stratum'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** A registration as stored: the answers as an object, the strata as their stratum key. */
export interface RegistrationRecord {
  screeningNumber: string;
  age: number;
  eligibility: Record<string, boolean>;
  stratum: string;
}

/** What a correction asks for; every field optional, at least one expected. */
export interface CorrectionRequest {
  screeningNumber?: string;
  age?: number;
  /** Answers that replace the registered ones, criterion by criterion; the rest stay. */
  eligibility?: Record<string, boolean>;
  /** A level for every factor of the trial, as at registration. */
  strata?: Record<string, string>;
}

export type CorrectionPlan =
  /** 400: an unknown criterion or factor, an unknown level, a missing factor. */
  | { kind: 'invalid'; problems: string[] }
  /** 400: the corrected record equals the registered one. */
  | { kind: 'no-change' }
  /** 409: after allocation the stratum that chose the slot's list cannot change. */
  | { kind: 'stratum-fixed'; from: string; to: string }
  /** 422: before allocation, the corrected record is not eligible (nothing changes). */
  | { kind: 'ineligible'; failed: string[] }
  /**
   * The correction to store. `failed` is empty before allocation; after it, it names the
   * criteria the corrected record fails: the allocation stands and the record tells the truth,
   * so the failure is kept and reported as a protocol deviation rather than refused.
   */
  | {
      kind: 'correct';
      after: RegistrationRecord;
      changed: CorrectableField[];
      before: Partial<RegistrationRecord>;
      corrected: Partial<RegistrationRecord>;
      failed: string[];
    };

/**
 * Decides a correction of one registration, with no framework and no database: what the record
 * becomes, which fields change (with their old and new values, for the audit entry), and whether
 * the trial's rules allow it. Before allocation every field may change and eligibility is
 * evaluated again as at registration. After allocation the stratum is fixed (the slot was claimed
 * in its list); the screening number, the age and the answers may still be corrected.
 * Whether the new screening number is free is the caller's question (it needs the database).
 */
export function planCorrection(
  trial: { eligibility: EligibilityRules; stratification: StratificationFactor[] },
  current: RegistrationRecord,
  allocated: boolean,
  request: CorrectionRequest,
): CorrectionPlan {
  const problems: string[] = [];
  const known = new Set(
    [...trial.eligibility.inclusion, ...trial.eligibility.exclusion].map((c) => c.id),
  );
  const answers: Record<string, boolean> = { ...current.eligibility };
  for (const [id, answer] of Object.entries(request.eligibility ?? {})) {
    if (!known.has(id)) problems.push(`eligibility.${id} is not a criterion of this trial`);
    else answers[id] = answer;
  }
  let stratum = current.stratum;
  if (request.strata !== undefined) {
    const key = stratumKeyOf(trial.stratification, request.strata);
    if (key.kind === 'invalid') problems.push(...key.problems);
    else stratum = key.stratum;
  }
  if (problems.length > 0) return { kind: 'invalid', problems };

  const after: RegistrationRecord = {
    screeningNumber: request.screeningNumber ?? current.screeningNumber,
    age: request.age ?? current.age,
    eligibility: answers,
    stratum,
  };
  const changed = CORRECTABLE_FIELDS.filter(
    (field) => JSON.stringify(sorted(after[field])) !== JSON.stringify(sorted(current[field])),
  );
  if (allocated && changed.includes('stratum')) {
    return { kind: 'stratum-fixed', from: current.stratum, to: stratum };
  }
  if (changed.length === 0) return { kind: 'no-change' };

  const eligibility = evaluateEligibility(trial.eligibility, after.age, after.eligibility);
  // The registered answers were complete and the merge adds only known ids: never incomplete.
  const failed = eligibility.kind === 'ineligible' ? eligibility.failed : [];
  if (eligibility.kind === 'incomplete') {
    return {
      kind: 'invalid',
      problems: eligibility.missing.map((id) => `eligibility.${id} is missing`),
    };
  }
  if (!allocated && failed.length > 0) return { kind: 'ineligible', failed };
  return {
    kind: 'correct',
    after,
    changed,
    before: pick(current, changed),
    corrected: pick(after, changed),
    failed,
  };
}

/** A value with its object keys sorted, so that answer order never counts as a change. */
function sorted(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function pick(record: RegistrationRecord, fields: CorrectableField[]): Partial<RegistrationRecord> {
  const picked: Partial<RegistrationRecord> = {};
  for (const field of fields) Object.assign(picked, { [field]: record[field] });
  return picked;
}

/** Why a participant cannot be withdrawn now, or undefined when it can. */
export function withdrawalRefusal(state: {
  locked: boolean;
  withdrawnAt: string | null;
}): 'study-locked' | 'already-withdrawn' | undefined {
  if (state.locked) return 'study-locked';
  if (state.withdrawnAt !== null) return 'already-withdrawn';
  return undefined;
}
