/**
 * Wrong opening codes an envelope takes within a window before it refuses further attempts, the
 * right code included, until the oldest of them leaves the window. The code has 80 random bits,
 * so this is not what keeps it from being guessed; it stops a script, or a person typing from
 * the wrong copy again and again, and makes either show in the audit log as THROTTLED.
 */
export const WRONG_CODES_ALLOWED = 5;
export const WRONG_CODE_WINDOW_SECONDS = 15 * 60;

/**
 * Seconds until the envelope takes an attempt again, given the times (ms) of the wrong codes
 * within the window; undefined while it takes one. Pure.
 */
export function codeAttemptWait(failureTimes: readonly number[], now: number): number | undefined {
  if (failureTimes.length < WRONG_CODES_ALLOWED) return undefined;
  const sorted = [...failureTimes].sort((a, b) => a - b);
  const freeing = sorted[sorted.length - WRONG_CODES_ALLOWED];
  return Math.max(1, Math.ceil((freeing + WRONG_CODE_WINDOW_SECONDS * 1000 - now) / 1000));
}

/** The start of the window that ends now, as stored (ISO 8601 UTC). */
export function codeWindowStart(now: Date): string {
  return new Date(now.getTime() - WRONG_CODE_WINDOW_SECONDS * 1000).toISOString();
}
