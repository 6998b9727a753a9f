import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LoginThrottleConfig } from '../config/app-config';
import { sha256Hex } from '../crypto/hashing';
import { advisoryXactLock } from '../database/postgres-locks';
import { execute, selectRows } from '../database/sql';
import { accountKey, addressKey, ThrottleBlock, throttleBlock } from './login-throttle';

/** What a throttle counts failures for: sign-ins and signatures are throttled apart. */
export type ThrottlePurpose = 'login' | 'signature';

/** An admitted attempt, counted as a failure until forgive() withdraws it. */
export interface CountedAttempt {
  failedAt: string;
  addressHash: string;
}

const COUNT_SQL =
  'SELECT key_hash AS "keyHash", failed_at AS "failedAt" FROM password_failures ' +
  'WHERE purpose = :purpose AND key_hash IN (:accountHash, :addressHash) AND failed_at > :since';
const INSERT_SQL =
  'INSERT INTO password_failures (purpose, key_hash, failed_at) VALUES (:purpose, :keyHash, :failedAt)';
const EXPIRED_SQL = 'DELETE FROM password_failures WHERE failed_at <= :since';
const FORGIVE_ACCOUNT_SQL =
  'DELETE FROM password_failures WHERE purpose = :purpose AND key_hash = :accountHash';
/** One row of the address: the attempt's own (several may share its time; one is enough). */
const FORGIVE_ATTEMPT_SQL =
  'DELETE FROM password_failures WHERE id IN (SELECT id FROM password_failures ' +
  'WHERE purpose = :purpose AND key_hash = :addressHash AND failed_at = :failedAt LIMIT 1)';

/**
 * Failed password attempts in the database (password_failures), so that every server process on
 * it enforces one window per account and per address. The keys are stored as SHA-256 hashes:
 * no username or address in this table. Times are wall-clock ISO strings, since processes on
 * several machines share no monotonic clock.
 */
@Injectable()
export class PasswordFailuresRepository {
  /**
   * The limit reached, if any; otherwise the attempt is counted as a failure before the
   * password is checked, so parallel guesses, in this process or another, cannot all pass under
   * the limit. Run in a write transaction: on SQLite its write lock, on PostgreSQL a lock per
   * account and per address, makes the count and the insert one step.
   */
  async admit(
    manager: EntityManager,
    purpose: ThrottlePurpose,
    account: string,
    address: string,
    config: LoginThrottleConfig,
    now: Date,
  ): Promise<{ block: ThrottleBlock } | { attempt: CountedAttempt }> {
    const accountHash = sha256Hex(`${purpose}:${accountKey(account)}`);
    const addressHash = sha256Hex(`${purpose}:${addressKey(address)}`);
    // In a fixed order, so that two attempts never wait for each other's second lock.
    for (const hash of [accountHash, addressHash].sort()) {
      await advisoryXactLock(manager, { text: `password-failures:${hash}` });
    }
    const since = new Date(now.getTime() - config.windowSeconds * 1000).toISOString();
    await execute(manager, EXPIRED_SQL, { since });
    const rows = await selectRows<{ keyHash: string; failedAt: string }>(manager, COUNT_SQL, {
      purpose,
      accountHash,
      addressHash,
      since,
    });
    const timesOf = (hash: string) =>
      rows.filter((row) => row.keyHash === hash).map((row) => Date.parse(row.failedAt));
    const block = throttleBlock(
      [
        { by: 'account', times: timesOf(accountHash), max: config.maxFailuresPerAccount },
        { by: 'address', times: timesOf(addressHash), max: config.maxFailuresPerAddress },
      ],
      config.windowSeconds,
      now.getTime(),
    );
    if (block) return { block };
    const failedAt = now.toISOString();
    for (const keyHash of [accountHash, addressHash]) {
      await execute(manager, INSERT_SQL, { purpose, keyHash, failedAt });
    }
    return { attempt: { failedAt, addressHash } };
  }

  /** A right password: the attempt counted in advance is withdrawn, the account's slate cleaned. */
  async forgive(
    manager: EntityManager,
    purpose: ThrottlePurpose,
    account: string,
    attempt: CountedAttempt,
  ): Promise<void> {
    const accountHash = sha256Hex(`${purpose}:${accountKey(account)}`);
    await execute(manager, FORGIVE_ACCOUNT_SQL, { purpose, accountHash });
    await execute(manager, FORGIVE_ATTEMPT_SQL, {
      purpose,
      addressHash: attempt.addressHash,
      failedAt: attempt.failedAt,
    });
  }
}
