import { Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { DatabaseFileGuard } from './database-file-guard';

/**
 * The one way to touch the database. TypeORM sends every query of a SQLite data source through a
 * single connection and does not serialise transactions: two concurrent transaction() calls nest
 * as savepoints and interleave. So every unit of work here is queued within the process and runs
 * alone on the connection, in its own transaction.
 *
 * A write transaction first updates the write_lock row. On SQLite that takes the database's write
 * lock at the start of the transaction (like BEGIN IMMEDIATE), so another server process on the
 * same file waits (busy timeout) instead of reading a snapshot it cannot later write from. On
 * PostgreSQL the same statement takes a row lock that serialises writers the same way.
 */
export type Work<T> = (manager: EntityManager) => Promise<T>;

@Injectable()
export class UnitOfWork {
  private tail: Promise<unknown> = Promise.resolve();
  private sharedRunner?: QueryRunner;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly fileGuard?: DatabaseFileGuard,
  ) {}

  /** Runs `work` in a write transaction holding the write lock; commits, or rolls back on error. */
  write<T>(work: Work<T>): Promise<T> {
    return this.enqueue(() => this.transaction(work, true));
  }

  /** Runs `work` in a read transaction: a consistent snapshot, never the middle of another write. */
  read<T>(work: Work<T>): Promise<T> {
    return this.enqueue(() => this.transaction(work, false));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async transaction<T>(work: Work<T>, takeWriteLock: boolean): Promise<T> {
    if (takeWriteLock) this.fileGuard?.assertUnchanged();
    const runner = this.runner();
    await runner.startTransaction();
    try {
      if (takeWriteLock) {
        await runner.query('UPDATE write_lock SET counter = counter + 1 WHERE id = 1');
      }
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } catch {
        // The runner's state is unknown: the next unit of work gets a fresh one.
        this.sharedRunner = undefined;
      }
      throw error;
    }
  }

  /**
   * One query runner for the life of the process: units of work run one at a time anyway, and
   * the runner keeps the prepared statements (a new runner per transaction would prepare every
   * statement again, a measured quarter of the allocation path's time).
   */
  private runner(): QueryRunner {
    if (!this.sharedRunner || this.sharedRunner.isReleased) {
      this.sharedRunner = this.dataSource.createQueryRunner();
    }
    return this.sharedRunner;
  }
}
