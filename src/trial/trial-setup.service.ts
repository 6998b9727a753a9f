import { Inject, Injectable, Logger } from '@nestjs/common';
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
 * another trial's file is refused. Once the list is generated, the trial file is frozen: a changed
 * file would regenerate a different list (the start-up check would then block allocation) and
 * the final export would ship a definition the list was not drawn from, so the start is refused.
 */
@Injectable()
export class TrialSetupService {
  private readonly logger = new Logger('Setup');

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
          this.logger.warn(
            `The trial file for ${this.trial.protocolId} differs from the one the database was created with (definition hash ${mine.definitionHash}, now ${definitionHash}).`,
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
