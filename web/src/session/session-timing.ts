/**
 * When the interface refreshes a session and when it warns, as plain functions of the clock
 * (tested in session-timing.spec.ts). The server's limits (docs/security.md): a token lives
 * `expiresIn` seconds (15 minutes by default), a session ends 12 hours after sign-in whatever is
 * done. The interface keeps a session alive while it is used: after user activity, once a third
 * of the token's life has passed, it swaps the token for a new one (POST /api/auth/refresh).
 */
export const WARNING_BEFORE_MS = 2 * 60 * 1000;
export const SESSION_ABSOLUTE_LIMIT_MS = 12 * 60 * 60 * 1000;

export interface SessionClock {
  /** When the current token was issued and expires (browser clock, ms). */
  issuedAt: number;
  expiresAt: number;
  /** When the user signed in: the 12-hour limit counts from here. */
  startedAt: number;
}

export type SessionPhase =
  | { kind: 'active' }
  /** Less than two minutes left and a refresh would extend the session. */
  | { kind: 'warning'; remainingMs: number }
  /** Less than two minutes left before the 12-hour limit: no refresh can help. */
  | { kind: 'final'; remainingMs: number }
  | { kind: 'expired' };

export function sessionPhase(clock: SessionClock, now: number): SessionPhase {
  const remainingMs = clock.expiresAt - now;
  if (remainingMs <= 0) return { kind: 'expired' };
  if (remainingMs > WARNING_BEFORE_MS) return { kind: 'active' };
  const atAbsoluteLimit = clock.expiresAt >= clock.startedAt + SESSION_ABSOLUTE_LIMIT_MS - 1000;
  return atAbsoluteLimit ? { kind: 'final', remainingMs } : { kind: 'warning', remainingMs };
}

/** Whether activity now should swap the token: a third of its life gone, and a refresh can extend it. */
export function refreshDue(clock: SessionClock, now: number): boolean {
  if (now >= clock.expiresAt) return false;
  if (clock.expiresAt >= clock.startedAt + SESSION_ABSOLUTE_LIMIT_MS - 1000) return false;
  return now - clock.issuedAt >= (clock.expiresAt - clock.issuedAt) / 3;
}

/** Minutes and seconds of a duration, for the warning's words. */
export function minutesAndSeconds(ms: number): { minutes: number; seconds: number } {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return { minutes: Math.floor(total / 60), seconds: total % 60 };
}
