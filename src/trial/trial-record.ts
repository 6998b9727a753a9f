import { EntityManager } from 'typeorm';
import { isPostgres } from '../database/postgres-locks';
import { TrialEntity } from './trial.entity';

/**
 * How a write transaction holds the trial's row on PostgreSQL (SQLite's write lock already
 * serialises every writer): `share` for actions that must not run past a study lock
 * (registration), `update` for the actions that change the study (lock, list generation), which
 * then wait for the shared holders in flight and make later ones wait for them.
 */
export type TrialRowLock = 'share' | 'update';

/** The trial's row, created at start (see TrialSetupService); read inside the caller's transaction. */
export async function trialRecord(
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
    throw new Error(`The trial record of ${protocolId} is missing: the start-up did not complete`);
  return record;
}
