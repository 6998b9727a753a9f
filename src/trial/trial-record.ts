import { EntityManager } from 'typeorm';
import { TrialEntity } from './trial.entity';

/** The trial's row, created at start (see TrialSetupService); read inside the caller's transaction. */
export async function trialRecord(
  manager: EntityManager,
  protocolId: string,
): Promise<TrialEntity> {
  const record = await manager.getRepository(TrialEntity).findOneBy({ protocolId });
  if (!record)
    throw new Error(`The trial record of ${protocolId} is missing: the start-up did not complete`);
  return record;
}
