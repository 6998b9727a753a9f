import { LoginThrottleConfig } from '../config/app-config';

/** Above this many tracked keys, expired ones are swept, so a spray of usernames cannot grow memory. */
const SWEEP_ABOVE_KEYS = 10_000;

/**
 * Milliseconds on a clock that only moves forward (performance.now): a wall-clock step backwards
 * (NTP, a VM resumed) must not keep a user throttled past the window, nor a step forwards free them.
 */
export const monotonicMilliseconds = (): number => performance.now();

/** Which limit is reached, and how long until an attempt is admitted again. */
export interface ThrottleBlock {
  by: 'account' | 'address';
  retryAfterSeconds: number;
}

/**
 * Counts failed attempts per account and per address in a sliding window. Only failures count: a
 * user who types the password right is never slowed down. An attempt is counted as a failure
 * before the password is checked and forgiven if it was right, so a burst of parallel guesses
 * cannot all pass under the limit. Kept in the process's memory: with several server processes
 * each enforces its own window (docs/security.md).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly config: LoginThrottleConfig,
    private readonly now: () => number = monotonicMilliseconds,
  ) {}

  /** Which limit, if any, is reached for this account or address. */
  blockedBy(account: string, address: string): 'account' | 'address' | undefined {
    return this.block(account, address)?.by;
  }

  /** The limit reached, if any, with the wait until the oldest counted failure leaves the window. */
  block(account: string, address: string): ThrottleBlock | undefined {
    const limits = [
      ['account', accountKey(account), this.config.maxFailuresPerAccount],
      ['address', addressKey(address), this.config.maxFailuresPerAddress],
    ] as const;
    for (const [by, key, max] of limits) {
      const times = this.prune(key);
      if (times.length < max) continue;
      // Admitted again once all but max - 1 of the failures have left the window.
      const freeingFailure = [...times].sort((a, b) => a - b)[times.length - max];
      const waitMs = freeingFailure + this.config.windowSeconds * 1000 - this.now();
      return { by, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    return undefined;
  }

  /** Counts a failure now; returns its time, for forgive() if the attempt turns out right. */
  recordFailure(account: string, address: string): number {
    const time = this.now();
    for (const key of [accountKey(account), addressKey(address)]) {
      const times = this.prune(key);
      times.push(time);
      this.failures.set(key, times);
    }
    if (this.failures.size > SWEEP_ABOVE_KEYS) this.sweep();
    return time;
  }

  /** A right password: the attempt counted in advance is withdrawn, the account's slate cleaned. */
  recordSuccess(account: string, address: string, attemptTime: number): void {
    this.failures.delete(accountKey(account));
    const times = this.failures.get(addressKey(address));
    const index = times?.indexOf(attemptTime) ?? -1;
    if (times && index >= 0) times.splice(index, 1);
  }

  private prune(key: string): number[] {
    const since = this.now() - this.config.windowSeconds * 1000;
    const times = (this.failures.get(key) ?? []).filter((time) => time > since);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  private sweep(): void {
    for (const key of [...this.failures.keys()]) this.prune(key);
  }
}

function accountKey(account: string): string {
  return `account:${account.toLowerCase()}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}

/** "45 seconds", "1 minute", "14 minutes": a wait as a person reads it. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
