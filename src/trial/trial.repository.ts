import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isPostgres, rowLock } from '../database/postgres-locks';
import { selectRow } from '../database/sql';
import { TrialEntity } from './trial.entity';

/**
 * How a write transaction holds the trial's row on PostgreSQL (SQLite's write lock already
 * serialises every writer): `share` for actions that must not run past a study lock
 * (registration), `update` for the actions that change the study (lock, list generation), which
 * then wait for the shared holders in flight and make later ones wait for them.
 */
export type TrialRowLock = 'share' | 'update';

/** The study lock as the allocation path reads it (plain SQL: it runs on every allocation). */
const SELECT_LOCKED_AT =
  'SELECT locked_at AS "lockedAt" FROM trials WHERE protocol_id = :protocolId';

/** The trials table: the one row of this database's trial, its set-up and its study lock. */
@Injectable()
export class TrialRepository {
  /** The trial's row, created at start (see TrialSetupService); read inside the caller's transaction. */
  async record(
    manager: EntityManager,
    protocolId: string,
    lock?: TrialRowLock,
  ): Promise<TrialEntity> {
    const repository = manager.getRepository(TrialEntity);
    const record =
      lock && isPostgres(manager)
        ? await repository.findOne({
            where: { protocolId },
            lock: { mode: lock === 'share' ? 'pessimistic_read' : 'pessimistic_write' },
          })
        : await repository.findOneBy({ protocolId });
    if (!record)
      throw new Error(
        `The trial record of ${protocolId} is missing: the start-up did not complete`,
      );
    return record;
  }

  /**
   * When the study was locked (null while open; undefined without a trial row), holding the row
   * shared on PostgreSQL: a study lock waits for allocations in flight and none starts after it.
   */
  async lockedAtSharing(
    manager: EntityManager,
    protocolId: string,
  ): Promise<{ lockedAt: string | null } | undefined> {
    return selectRow<{ lockedAt: string | null }>(
      manager,
      SELECT_LOCKED_AT + rowLock(manager, 'FOR SHARE'),
      { protocolId },
    );
  }

  /** Every trial row (one, or none before the first start). */
  all(manager: EntityManager): Promise<TrialEntity[]> {
    return manager.getRepository(TrialEntity).find();
  }

  async create(manager: EntityManager, trial: TrialEntity): Promise<void> {
    await manager.getRepository(TrialEntity).insert(trial);
  }

  /** A database set up before installation ids existed gets one. */
  async setInstallationId(
    manager: EntityManager,
    protocolId: string,
    installationId: string,
  ): Promise<void> {
    await manager.getRepository(TrialEntity).update({ protocolId }, { installationId });
  }

  async markLocked(
    manager: EntityManager,
    protocolId: string,
    lock: Pick<TrialEntity, 'lockedAt' | 'lockedBy' | 'lockReason'>,
  ): Promise<void> {
    await manager.getRepository(TrialEntity).update({ protocolId }, lock);
  }

  /** Training reset: the practice study is open again. */
  async clearLock(manager: EntityManager, protocolId: string): Promise<void> {
    await manager
      .getRepository(TrialEntity)
      .update({ protocolId }, { lockedAt: null, lockedBy: null, lockReason: null });
  }
}
