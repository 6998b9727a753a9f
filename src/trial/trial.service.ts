import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { Conflict } from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { TrialDefinition } from '../config/trial-definition';
import { UnitOfWork } from '../database/unit-of-work';
import { EnvelopesService } from '../envelopes/envelopes.service';
import { ParticipantsService } from '../participants/participants.service';
import { RandomizationService } from '../randomization/randomization.service';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { AppConfig } from '../config/app-config';
import { StudyLockedDto, TrialStatusDto } from './dto/trial.dto';
import { TrialRepository } from './trial.repository';

@Injectable()
export class TrialService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly envelopes: EnvelopesService,
    private readonly trials: TrialRepository,
    private readonly participants: ParticipantsService,
    private readonly randomization: RandomizationService,
  ) {}

  /** The trial's design and progress, blinded: counts only, never anyone's allocation. */
  status(): Promise<TrialStatusDto> {
    const protocolId = this.trial.protocolId;
    return this.uow.read(async (manager) => {
      const record = await this.trials.record(manager, protocolId);
      const list = await this.randomization.listOf(manager, protocolId);
      return {
        protocolId,
        title: this.trial.title,
        timeZone: this.trial.timeZone,
        // The start refused a database recorded otherwise, so the flag is the database's kind.
        training: this.config.training,
        targetSize: this.trial.targetSize,
        registered: await this.participants.countRegistered(manager),
        allocated: await this.participants.countAllocated(manager),
        unblinded: await this.participants.countUnblinded(manager),
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
        const record = await this.trials.record(manager, this.trial.protocolId, 'update');
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
        await this.trials.markLocked(manager, record.protocolId, {
          lockedAt: record.lockedAt,
          lockedBy: record.lockedBy,
          lockReason: record.lockReason,
        });
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
