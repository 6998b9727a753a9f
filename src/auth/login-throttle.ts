import { LoginThrottleConfig } from '../config/app-config';

/**
 * Counts failed attempts per account and per address in a sliding window. Only failures count: a
 * user who types the password right is never slowed down. Kept in the process's memory: with
 * several server processes each enforces its own window (documented in docs/security.md).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly config: LoginThrottleConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Which limit, if any, is reached for this account or address. */
  blockedBy(account: string, address: string): 'account' | 'address' | undefined {
    if (this.recent(`account:${account.toLowerCase()}`) >= this.config.maxFailuresPerAccount)
      return 'account';
    if (this.recent(`address:${address}`) >= this.config.maxFailuresPerAddress) return 'address';
    return undefined;
  }

  recordFailure(account: string, address: string): void {
    for (const key of [`account:${account.toLowerCase()}`, `address:${address}`]) {
      const times = this.prune(key);
      times.push(this.now());
      this.failures.set(key, times);
    }
  }

  /** A successful sign-in clears the account's failures (not the address's). */
  recordSuccess(account: string): void {
    this.failures.delete(`account:${account.toLowerCase()}`);
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
}
