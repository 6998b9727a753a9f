import { DomainError, DomainErrorKind, ErrorCode, HTTP_STATUS_OF } from '../common/domain-errors';

/**
 * Label values of the metrics, each from a closed set fixed in the code: a label never carries
 * a participant id, a username, a limb, a seed or any other value a request sent. An unbounded
 * value would also make a new time series per value.
 */

/** The kind of an error answer: a domain error kind, or `internal` for an unexpected 500. */
export type RefusalKind = DomainErrorKind | 'internal' | 'other';

const KIND_OF_STATUS = new Map<number, DomainErrorKind>(
  Object.entries(HTTP_STATUS_OF).map(([kind, status]) => [status, kind as DomainErrorKind]),
);

export function refusalKindOf(statusCode: number): RefusalKind {
  if (statusCode === 500) return 'internal';
  return KIND_OF_STATUS.get(statusCode) ?? 'other';
}

export interface RefusalLabels {
  kind: RefusalKind;
  code: ErrorCode;
}

export function refusalLabels(statusCode: number, code: ErrorCode): RefusalLabels {
  return { kind: refusalKindOf(statusCode), code };
}

/** Why a sign-in failed, as the failed sign-in counter names it. */
export const LOGIN_FAILURE_REASONS = [
  'wrong_credentials',
  'account_disabled',
  'throttled',
] as const;
export type LoginFailureReason = (typeof LOGIN_FAILURE_REASONS)[number];

/** How an allocation request ended, as the latency histogram names it. */
export const ALLOCATION_OUTCOMES = ['allocated', 'refused', 'error'] as const;
export type AllocationOutcome = (typeof ALLOCATION_OUTCOMES)[number];

/** A failed allocation: refused by a rule (a 4xx domain error), or a failure (503, 500). */
export function failedAllocationOutcome(error: unknown): AllocationOutcome {
  return error instanceof DomainError && HTTP_STATUS_OF[error.kind] < 500 ? 'refused' : 'error';
}

/**
 * Seconds from an ISO time to now, never negative (a clock stepped back, or another process's
 * clock ahead of this one, is read as "just now"); undefined when there is no time.
 */
export function secondsSince(iso: string | null | undefined, nowMs: number): number | undefined {
  if (iso === null || iso === undefined) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (nowMs - at) / 1000);
}
