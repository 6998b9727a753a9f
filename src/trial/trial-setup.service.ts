import { Inject, Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor';
import { TrialDefinition } from '../config/trial-definition';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { TRIAL_DEFINITION } from '../runtime';
import { RandomizationListEntity } from '../randomization/randomization-list.entity';
import { trialDefinitionHash } from './trial-definition-hash';
import { TrialEntity } from './trial.entity';

/**
 * Binds the database to its trial at first start. A database is one trial's: starting it with
 * another trial's file is refused. The trial file is frozen at that first start (SPEC section 5):
 * a process whose file hashes differently refuses to start, with or without a list, since it
 * would judge eligibility by other rules, regenerate a different list, or ship a definition the
 * list was not drawn from.
 */
@Injectable()
export class TrialSetupService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async ensureTrialRecord(): Promise<void> {
    const definitionHash = trialDefinitionHash(this.trial);
    await this.uow.write(async (manager) => {
      const repository = manager.getRepository(TrialEntity);
      const existing = await repository.find();
      const other = existing.find((row) => row.protocolId !== this.trial.protocolId);
      if (other) {
        throw new Error(
          `TRIAL_CONFIG: this database belongs to trial ${other.protocolId}, but the trial file is for ${this.trial.protocolId}`,
        );
      }
      const mine = existing[0];
      if (mine) {
        const list = await manager
          .getRepository(RandomizationListEntity)
          .findOneBy({ protocolId: this.trial.protocolId });
        if (list && list.definitionHash !== definitionHash) {
          throw new Error(
            `TRIAL_CONFIG: the trial file ${this.trial.protocolId} differs from the one its randomization list ` +
              `was generated from (definition hash ${list.definitionHash}, now ${definitionHash}). ` +
              'Restore the original file; a trial file is frozen once its list exists.',
          );
        }
        if (mine.definitionHash !== definitionHash) {
          // Frozen at the first start, not at list generation: two processes with different
          // files could otherwise judge eligibility differently before the list exists.
          throw new Error(
            `TRIAL_CONFIG: the trial file ${this.trial.protocolId} differs from the one this database was set up with ` +
              `(definition hash ${mine.definitionHash}, now ${definitionHash}). ` +
              'Start with the original file; a trial file is frozen at the first start.',
          );
        }
        return;
      }
      await repository.insert({
        protocolId: this.trial.protocolId,
        definitionHash,
        createdAt: new Date().toISOString(),
        lockedAt: null,
        lockedBy: null,
        lockReason: null,
      });
      await this.audit.record(manager, {
        actor: SYSTEM_ACTOR,
        action: 'SYSTEM_INITIALIZED',
        outcome: 'SUCCESS',
        details: { protocolId: this.trial.protocolId, definitionHash },
      });
    });
  }
}
