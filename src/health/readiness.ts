/**
 * Readiness, as a pure verdict over the checks' results: the server should be sent work only
 * when the database takes a write, the stored list has not failed its integrity check and the
 * keys still match the database. Every check is reported, passing or not.
 */
export const READINESS_CHECKS = ['database', 'list', 'keys'] as const;
export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

export interface ReadinessCheck {
  status: 'pass' | 'fail';
  detail: string;
}

export type ReadinessChecks = Record<ReadinessCheckName, ReadinessCheck>;

export type Readiness =
  | { ready: true; checks: ReadinessChecks }
  | { ready: false; failing: ReadinessCheckName[]; message: string; checks: ReadinessChecks };

export function readinessOf(checks: ReadinessChecks): Readiness {
  const failing = READINESS_CHECKS.filter((name) => checks[name].status === 'fail');
  if (failing.length === 0) return { ready: true, checks };
  return {
    ready: false,
    failing,
    message: `Not ready: ${failing.map((name) => `${name} (${checks[name].detail})`).join('; ')}`,
    checks,
  };
}
