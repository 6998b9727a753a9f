import { Inject, Injectable } from '@nestjs/common';
import { IsNull, Not } from 'typeorm';
import { Actor } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { Conflict } from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { TrialDefinition } from '../config/trial-definition';
import { UnitOfWork } from '../database/unit-of-work';
import { EnvelopesService } from '../envelopes/envelopes.service';
import { ParticipantEntity } from '../participants/participant.entity';
import { RandomizationListEntity } from '../randomization/randomization-list.entity';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { AppConfig } from '../config/app-config';
import { StudyLockedDto, TrialStatusDto } from './dto/trial.dto';
import { trialRecord } from './trial-record';
import { TrialEntity } from './trial.entity';

@Injectable()
export class TrialService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly envelopes: EnvelopesService,
  ) {}

  /** The trial's design and progress, blinded: counts only, never anyone's allocation. */
  status(): Promise<TrialStatusDto> {
    const protocolId = this.trial.protocolId;
    return this.uow.read(async (manager) => {
      const record = await trialRecord(manager, protocolId);
      const participants = manager.getRepository(ParticipantEntity);
      const list = await manager.getRepository(RandomizationListEntity).findOneBy({ protocolId });
      return {
        protocolId,
        title: this.trial.title,
        timeZone: this.trial.timeZone,
        // The start refused a database recorded otherwise, so the flag is the database's kind.
        training: this.config.training,
        targetSize: this.trial.targetSize,
        registered: await participants.count(),
        allocated: await participants.countBy({ allocatedAt: Not(IsNull()) }),
        unblinded: await participants.countBy({ unblindedAt: Not(IsNull()) }),
        locked: record.lockedAt !== null,
        lockedAt: record.lockedAt,
        lockedBy: record.lockedBy,
        lockReason: record.lockReason,
        allocationDescribes: this.trial.allocation.describes,
        targets: this.trial.allocation.targets,
        eligibility: this.trial.eligibility,
        stratification: this.trial.stratification,
        list: {
          generated: list !== null,
          commitment: list?.commitment ?? null,
          method: this.trial.randomization.method,
          generatedAt: list?.generatedAt ?? null,
        },
      };
    });
  }

  /** Locks the study for good: no more registration, list generation or allocation. */
  lock(actor: Actor, reason: string): Promise<StudyLockedDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<StudyLockedDto>> => {
        // PostgreSQL: waits for allocations and registrations in flight; none starts after it.
        const record = await trialRecord(manager, this.trial.protocolId, 'update');
        if (record.lockedAt) {
          return this.audit.recordRefusal(
            manager,
            actor,
            'STUDY_LOCK_REFUSED',
            null,
            new Conflict(
              `The study was already locked at ${record.lockedAt} by ${record.lockedBy ?? '?'}`,
              'STUDY_LOCKED',
            ),
          );
        }
        record.lockedAt = new Date().toISOString();
        record.lockedBy = actor.username;
        record.lockReason = reason;
        await manager.getRepository(TrialEntity).save(record);
        await this.audit.record(manager, {
          actor,
          action: 'STUDY_LOCKED',
          outcome: 'SUCCESS',
          reason,
        });
        // Downtime envelopes not used by now can never be: voided in the lock's transaction.
        await this.envelopes.voidAtLock(manager, actor, record.lockedAt);
        return {
          ok: {
            protocolId: record.protocolId,
            locked: true,
            lockedAt: record.lockedAt,
            lockedBy: actor.username,
            reason,
          },
        };
      }),
    );
  }
}
