/** Which limit is reached, and how long until an attempt is admitted again. */
export interface ThrottleBlock {
  by: 'account' | 'address';
  retryAfterSeconds: number;
}

/** One limit and the failure times counted against it, in the window. */
export interface ThrottleCount {
  by: ThrottleBlock['by'];
  times: readonly number[];
  max: number;
}

/**
 * The first limit reached, with the wait until it admits an attempt again: once all but max - 1
 * of its failures have left the window. Pure; the failures are kept in the database
 * (password-failures.repository.ts).
 */
export function throttleBlock(
  counts: readonly ThrottleCount[],
  windowSeconds: number,
  now: number,
): ThrottleBlock | undefined {
  for (const { by, times, max } of counts) {
    if (times.length < max) continue;
    const freeingFailure = [...times].sort((a, b) => a - b)[times.length - max];
    const waitMs = freeingFailure + windowSeconds * 1000 - now;
    return { by, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  return undefined;
}

export function accountKey(account: string): string {
  return `account:${account.toLowerCase()}`;
}

export function addressKey(address: string): string {
  return `address:${address}`;
}

/** "45 seconds", "1 minute", "14 minutes": a wait as a person reads it. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
