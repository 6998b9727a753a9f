import { LoginThrottleConfig } from '../config/app-config';

/** Above this many tracked keys, expired ones are swept, so a spray of usernames cannot grow memory. */
const SWEEP_ABOVE_KEYS = 10_000;

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
    private readonly now: () => number = Date.now,
  ) {}

  /** Which limit, if any, is reached for this account or address. */
  blockedBy(account: string, address: string): 'account' | 'address' | undefined {
    if (this.recent(accountKey(account)) >= this.config.maxFailuresPerAccount) return 'account';
    if (this.recent(addressKey(address)) >= this.config.maxFailuresPerAddress) return 'address';
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

  private recent(key: string): number {
    return this.prune(key).length;
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
