import { Inject, Injectable } from '@nestjs/common';
import { AllocationService } from '../allocation/allocation.service';
import { AuditService } from '../audit/audit.service';
import { BlindingAssessmentService } from '../blinding-assessment/blinding-assessment.service';
import { Actor } from '../common/actor';
import { Conflict } from '../common/domain-errors';
import { Outcome, unwrap } from '../common/outcome';
import { AppConfig } from '../config/app-config';
import { TrialDefinition } from '../config/trial-definition';
import { UnitOfWork } from '../database/unit-of-work';
import { EnvelopesService } from '../envelopes/envelopes.service';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { ParticipantsService } from '../participants/participants.service';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { TrialRecordService } from '../trial/trial-record.service';
import { UnblindingService } from '../unblinding/unblinding.service';
import { TrainingListResetDto } from './dto/randomization.dto';
import { RandomizationService } from './randomization.service';

/**
 * The practice instance's reset. A service of its own, apart from RandomizationService, because
 * it calls the services of the modules whose tables it clears (allocation, unblinding, the
 * blinding assessment, envelopes), which themselves use RandomizationService: in
 * RandomizationService it would be a cycle.
 */
@Injectable()
export class TrainingResetService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly outbox: NotificationOutbox,
    private readonly trials: TrialRecordService,
    private readonly randomization: RandomizationService,
    private readonly participants: ParticipantsService,
    private readonly allocation: AllocationService,
    private readonly unblinding: UnblindingService,
    private readonly blindingAssessment: BlindingAssessmentService,
    private readonly envelopes: EnvelopesService,
  ) {}

  /**
   * Training mode only: clears the practice instance's list, slots and participants (with their
   * allocations, unblindings, reviews, blinding guesses, downtime envelopes and pending notices)
   * and the study lock, so that a new course starts from an empty trial. The audit log keeps
   * every earlier entry and gains a TRAINING_RESET entry in the same transaction. The one action
   * that clears other modules' tables, on purpose, through their services' intents: the reset is
   * one transaction or nothing. On a clinical database it is refused here (409 TRAINING_ONLY)
   * and, below this code, by the triggers that allow these deletes only in a database whose
   * trial row says training.
   */
  resetTrainingList(actor: Actor, reason: string): Promise<TrainingListResetDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<TrainingListResetDto>> => {
        const record = await this.trials.record(manager, this.trial.protocolId, 'update');
        if (!this.config.training || !record.training) {
          return this.audit.recordRefusal(
            manager,
            actor,
            'TRAINING_RESET_REFUSED',
            null,
            new Conflict(
              'This is a clinical instance: its randomization list can never be reset. A reset is possible only on a practice instance started with TRAINING=true.',
              'TRAINING_ONLY',
            ),
          );
        }
        const list = await this.randomization.listOf(manager, this.trial.protocolId);
        const clearedParticipants = await this.participants.countRegistered(manager);
        const clearedSlots = await this.randomization.countSlots(manager);
        // Children before parents (foreign keys); each statement is the same on both dialects.
        await this.allocation.deleteAllForTrainingReset(manager);
        await this.unblinding.deleteAllForTrainingReset(manager);
        await this.blindingAssessment.deleteAllForTrainingReset(manager);
        await this.envelopes.deleteAllForTrainingReset(manager);
        await this.randomization.deleteListForTrainingReset(manager);
        await this.outbox.deleteParticipantNotices(manager);
        await this.participants.deleteAllForTrainingReset(manager);
        await this.trials.clearLockForTrainingReset(manager, record.protocolId);
        const entry = await this.audit.record(manager, {
          actor,
          action: 'TRAINING_RESET',
          outcome: 'SUCCESS',
          reason,
          details: {
            clearedCommitment: list?.commitment ?? null,
            clearedParticipants,
            clearedSlots,
            unlocked: record.lockedAt !== null,
          },
        });
        // This process's memory of the old list goes with it.
        this.randomization.forgetCheckedList();
        return {
          ok: {
            resetAt: entry.at,
            resetBy: actor.username,
            reason,
            clearedCommitment: list?.commitment ?? null,
            clearedParticipants,
            clearedSlots,
          },
        };
      }),
    );
  }
}
