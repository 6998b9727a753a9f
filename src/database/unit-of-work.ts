import { Injectable, Logger, Optional } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { StorageUnavailable } from '../common/domain-errors';
import { DatabaseFileGuard } from './database-file-guard';
import { storageFaultOf } from './storage-fault';

/**
 * The one way to touch the database.
 *
 * SQLite: TypeORM sends every query of a SQLite data source through a
 * single connection and does not serialise transactions: two concurrent transaction() calls nest
 * as savepoints and interleave. So every unit of work here is queued within the process and runs
 * alone on the connection, in its own transaction.
 *
 * A write transaction first updates the write_lock row. That takes the database's write lock at
 * the start of the transaction (like BEGIN IMMEDIATE), so another server process on the same
 * file waits (busy timeout) instead of reading a snapshot it cannot later write from.
 *
 * PostgreSQL: neither the queue nor the write_lock row. Each unit of work takes a connection of
 * the pool and runs concurrently with the others: writes in READ COMMITTED, each taking only the
 * locks its aggregate needs (the stratum's claim lock, the audit append lock; see
 * docs/operations.md, "Concurrency on PostgreSQL"), reads in REPEATABLE READ, one snapshot for
 * the whole unit. A unit that loses a race PostgreSQL reports (deadlock, serialisation failure,
 * a unique key another transaction committed first) is rolled back whole and run again, and
 * then sees the winner's rows, as it would have in SQLite's one-at-a-time order.
 *
 * A failed statement or COMMIT must never leave the connection inside a transaction: SQLite rolls
 * a transaction back by itself on SQLITE_FULL or SQLITE_IOERR, and TypeORM's runner, which does
 * not know, would run every later unit of work as a SAVEPOINT inside a transaction that never
 * commits (answered 201, never stored, and the write lock held). So the connection's own state
 * is what counts, after a failure and before every start. A storage fault answers 503.
 */
export type Work<T> = (manager: EntityManager) => Promise<T>;

/** The runner's own bookkeeping of its transaction, which TypeORM keeps protected. */
interface RunnerTransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger('Database');
  private tail: Promise<unknown> = Promise.resolve();
  private sharedRunner?: QueryRunner;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly fileGuard?: DatabaseFileGuard,
  ) {}

  /** Runs `work` in a write transaction holding the write lock; commits, or rolls back on error. */
  write<T>(work: Work<T>): Promise<T> {
    if (this.onPostgres()) return this.postgresTransaction(work, 'READ COMMITTED');
    return this.enqueue(() => this.transaction(work, true));
  }

  /** Runs `work` in a read transaction: a consistent snapshot, never the middle of another write. */
  read<T>(work: Work<T>): Promise<T> {
    if (this.onPostgres()) return this.postgresTransaction(work, 'REPEATABLE READ');
    return this.enqueue(() => this.transaction(work, false));
  }

  /** Whether the data source is PostgreSQL (else SQLite). */
  onPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** One pooled connection per unit of work, concurrent with the others (see above). */
  private async postgresTransaction<T>(
    work: Work<T>,
    isolation: 'READ COMMITTED' | 'REPEATABLE READ',
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.startTransaction(isolation);
        const result = await work(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) {
          await runner.rollbackTransaction().catch(() => undefined);
        }
        const race = lostRace(error);
        if (race !== undefined && attempt < POSTGRES_ATTEMPTS) {
          this.logger.debug(`A unit of work lost a race (${race}): attempt ${attempt + 1}`);
          continue;
        }
        // A connection the server ended (pg_terminate_backend, a restart) emits 'error', on which
        // TypeORM releases the runner: the unit's next query or its COMMIT then throws
        // QueryRunnerAlreadyReleasedError, which carries no code. Nothing was committed.
        const cause =
          storageFaultOf(error) ??
          (runner.isReleased ? 'the connection to the database server was lost' : undefined);
        if (cause === undefined) throw error;
        this.logger.error(`The database could not store a change (${cause}): ${String(error)}`);
        throw new StorageUnavailable(cause);
      } finally {
        await runner.release().catch(() => undefined);
      }
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async transaction<T>(work: Work<T>, takeWriteLock: boolean): Promise<T> {
    if (takeWriteLock) this.fileGuard?.assertUnchanged();
    const runner = this.runner();
    this.leaveOpenTransaction(runner, 'before a unit of work started');
    try {
      await runner.startTransaction();
      if (takeWriteLock) {
        await runner.query('UPDATE write_lock SET counter = counter + 1 WHERE id = 1');
      }
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await this.rollBack(runner);
      const cause = storageFaultOf(error);
      if (cause === undefined) throw error;
      this.logger.error(`The database could not store a change (${cause}): ${String(error)}`);
      throw new StorageUnavailable(cause);
    }
  }

  /** Rolls back after a failure, whatever state SQLite and the runner are in. */
  private async rollBack(runner: QueryRunner): Promise<void> {
    const connection = this.sqliteConnection();
    if (connection === undefined) {
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } catch {
        // The runner's state is unknown: the next unit of work gets a fresh one.
        this.sharedRunner = undefined;
      }
      return;
    }
    if (connection.inTransaction) {
      try {
        connection.exec('ROLLBACK');
      } catch (error) {
        // Nothing to add: the next start checks the connection again before it begins.
        this.logger.error(`ROLLBACK after a failed unit of work failed: ${String(error)}`);
      }
    }
    resetRunner(runner);
  }

  /**
   * Makes sure the connection is not inside a transaction before one begins: one left open would
   * turn this unit of work into a savepoint that never commits. Never expected; logged loudly.
   */
  private leaveOpenTransaction(runner: QueryRunner, when: string): void {
    const connection = this.sqliteConnection();
    if (connection === undefined) return;
    if (connection.inTransaction) {
      this.logger.error(`The database connection was inside a transaction ${when}: rolled back`);
      try {
        connection.exec('ROLLBACK');
      } catch (error) {
        throw new StorageUnavailable(
          `the connection could not leave a transaction: ${String(error)}`,
        );
      }
    }
    resetRunner(runner);
  }

  /** The native better-sqlite3 handle when the data source is SQLite (one connection for all). */
  private sqliteConnection(): Database.Database | undefined {
    if (this.dataSource.options.type !== 'better-sqlite3') return undefined;
    const driver = this.dataSource.driver as { databaseConnection?: Database.Database };
    return driver.databaseConnection;
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

/** A unit of work that loses a race is run again at most this often in all. */
const POSTGRES_ATTEMPTS = 5;

/**
 * PostgreSQL's word that this transaction lost a race with another one and would succeed when
 * run again: deadlock_detected, serialization_failure, or unique_violation (a row another
 * transaction committed while this one checked for it).
 */
function lostRace(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const wrapped = error as { code?: unknown; driverError?: { code?: unknown } };
  switch (wrapped.driverError?.code ?? wrapped.code) {
    case '40P01':
      return 'deadlock';
    case '40001':
      return 'serialization failure';
    case '23505':
      return 'unique key taken meanwhile';
    default:
      return undefined;
  }
}

/** Tells the runner no transaction is open, as the connection has just been made sure of. */
function resetRunner(runner: QueryRunner): void {
  const state = runner as unknown as RunnerTransactionState;
  state.isTransactionActive = false;
  state.transactionDepth = 0;
}
