import { Injectable, Logger } from '@nestjs/common';
import { DomainError, StorageUnavailable } from '../common/domain-errors';
import { KeyCheckService } from '../crypto/key-check.service';
import { UnitOfWork } from '../database/unit-of-work';
import { RandomizationService } from '../randomization/randomization.service';
import { ReadinessCheck, ReadinessChecks, readinessOf } from './readiness';

/** 503 NOT_READY, naming the failing checks; the body carries every check. */
export class NotReady extends DomainError {
  constructor(message: string, body: Record<string, unknown>) {
    super('unavailable', message, { code: 'NOT_READY', body });
  }
}

const pass = (detail: string): ReadinessCheck => ({ status: 'pass', detail });
const fail = (detail: string): ReadinessCheck => ({ status: 'fail', detail });

/**
 * The checks of GET /api/health/ready. Each is answered by a sentence that names no participant,
 * no limb and no secret: the route is public, for load balancers and orchestrators.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly randomization: RandomizationService,
    private readonly keyCheck: KeyCheckService,
  ) {}

  async check(): Promise<ReadinessChecks> {
    const verdict = readinessOf({
      database: await this.database(),
      list: this.list(),
      keys: await this.keys(),
    });
    if (!verdict.ready)
      throw new NotReady(verdict.message, { failing: verdict.failing, checks: verdict.checks });
    return verdict.checks;
  }

  /**
   * An empty write unit of work: it takes the write lock and commits (unit-of-work.ts), so a full
   * disk, a read-only or a replaced file, or a lost PostgreSQL server fails it.
   */
  private async database(): Promise<ReadinessCheck> {
    try {
      await this.uow.write(() => Promise.resolve());
      return pass('a write transaction committed');
    } catch (error) {
      if (error instanceof StorageUnavailable) return fail(error.message);
      this.logger.error(`The readiness write failed: ${String(error)}`);
      return fail('the database did not take a write (the cause is in the server log)');
    }
  }

  private list(): ReadinessCheck {
    return this.randomization.integrityFailure() === undefined
      ? pass('no integrity failure found in the stored list')
      : fail(
          'the stored randomization list failed its integrity check (audited as LIST_INTEGRITY_FAILED); allocation is blocked',
        );
  }

  private async keys(): Promise<ReadinessCheck> {
    try {
      const mismatch = await this.keyCheck.mismatch();
      return mismatch === undefined ? pass('the keys match the database') : fail(mismatch);
    } catch (error) {
      this.logger.error(`The readiness key check failed: ${String(error)}`);
      return fail('the key check values could not be read (the cause is in the server log)');
    }
  }
}
