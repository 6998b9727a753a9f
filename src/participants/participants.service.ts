import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { EntityManager } from 'typeorm';
import {
  Conflict,
  DomainError,
  HTTP_STATUS_OF,
  InvalidInput,
  NotFound,
} from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { TrialDefinition } from '../config/trial-definition';
import { canonicalJson } from '../crypto/canonical-json';
import { advisoryXactLock, XACT_LOCK } from '../database/postgres-locks';
import { UnitOfWork } from '../database/unit-of-work';
import { enrolmentMilestones } from '../notifications/mail-messages';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { TRIAL_DEFINITION } from '../runtime';
import { StudyLocked } from '../trial/trial-errors';
import { TrialRecordService } from '../trial/trial-record.service';
import { alreadyAudited } from '../common/refusal-audit';
import {
  BlindedParticipantDto,
  CorrectionDto,
  CorrectRegistrationDto,
  RegisteredParticipantDto,
  RegisterParticipantDto,
} from './dto/participant.dto';
import { planCorrection, withdrawalRefusal } from './correction';
import { describeFailures, evaluateEligibility } from './eligibility';
import { ParticipantEntity } from './participant.entity';
import { AllocationState, ParticipantsRepository } from './participants.repository';
import { formatParticipantId, toBlindedParticipant } from './participant-views';
import { stratumKeyOf } from './stratum';

export type { AllocationState };

export class Ineligible extends DomainError {
  /** `reasons`: describeFailures() of `failed`. */
  constructor(failed: string[], reasons: string[]) {
    super('unprocessable', `The participant is not eligible: ${reasons.join('; ')}`, {
      code: 'NOT_ELIGIBLE',
      body: { failed },
    });
  }
}

function booleanAnswers(raw: Record<string, unknown>): Record<string, boolean> {
  const problems = Object.entries(raw)
    .filter(([, value]) => typeof value !== 'boolean')
    .map(([id]) => `eligibility.${id} must be true or false`);
  if (problems.length > 0) throw new InvalidInput(problems.join('; '));
  return raw as Record<string, boolean>;
}

function stratumValues(
  raw: Record<string, unknown> | undefined,
): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const problems = Object.entries(raw)
    .filter(([, value]) => typeof value !== 'string')
    .map(([id]) => `strata.${id} must be a string`);
  if (problems.length > 0) throw new InvalidInput(problems.join('; '));
  return raw as Record<string, string>;
}

@Injectable()
export class ParticipantsService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly outbox: NotificationOutbox,
    private readonly trials: TrialRecordService,
    private readonly participants: ParticipantsRepository,
  ) {}

  async register(actor: Actor, dto: RegisterParticipantDto): Promise<RegisteredParticipantDto> {
    const answers = booleanAnswers(dto.eligibility);
    const stratum = stratumKeyOf(this.trial.stratification, stratumValues(dto.strata));
    if (stratum.kind === 'invalid') throw new InvalidInput(stratum.problems.join('; '));
    const eligibility = evaluateEligibility(this.trial.eligibility, dto.age, answers);
    if (eligibility.kind === 'incomplete') {
      const problems = [
        ...eligibility.missing.map((id) => `eligibility.${id} is missing: answer every criterion`),
        ...eligibility.unknown.map((id) => `eligibility.${id} is not a criterion of this trial`),
      ];
      throw new InvalidInput(problems.join('; '));
    }

    const participant = await unwrap(
      this.uow.write(async (manager): Promise<Outcome<ParticipantEntity>> => {
        // PostgreSQL: registrations take turns (the next number, the target size and the
        // screening number are read, then written) and none runs past a study lock.
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        await advisoryXactLock(manager, XACT_LOCK.registration);
        let refusal: DomainError | undefined;
        const registered = await this.participants.countRegistered(manager);
        if (record.lockedAt) refusal = new StudyLocked();
        else if (registered >= this.trial.targetSize) {
          refusal = new Conflict(
            `Registration is closed: the target size of ${this.trial.targetSize} participants is reached`,
            'TARGET_REACHED',
          );
        } else if (await this.participants.isScreeningNumberTaken(manager, dto.screeningNumber)) {
          refusal = new Conflict(
            `Screening number ${dto.screeningNumber} is already registered`,
            'DUPLICATE',
          );
        } else if (eligibility.kind === 'ineligible') {
          refusal = new Ineligible(
            eligibility.failed,
            describeFailures(this.trial.eligibility, dto.age, eligibility.failed),
          );
        }
        if (refusal) {
          // Recorded and committed; the refusal is thrown once the transaction is over.
          await this.audit.record(manager, {
            actor,
            action: 'REGISTRATION_REJECTED',
            outcome: 'REJECTED',
            reason: refusal.message,
            details: {
              screeningNumber: dto.screeningNumber,
              ...(refusal instanceof Ineligible ? { failed: refusal.body.failed } : {}),
            },
          });
          return { refusal };
        }

        const number = (await this.participants.lastNumber(manager)) + 1;
        const participant: ParticipantEntity = {
          participantId: formatParticipantId(this.trial.participantIds, number),
          number,
          screeningNumber: dto.screeningNumber,
          age: dto.age,
          stratum: stratum.stratum,
          eligibility: canonicalJson(answers),
          registeredAt: new Date().toISOString(),
          registeredBy: actor.username,
          allocatedAt: null,
          allocatedBy: null,
          unblindedAt: null,
          unblindedBy: null,
          unblindingReason: null,
          withdrawnAt: null,
          withdrawnBy: null,
          withdrawalReason: null,
        };
        await this.participants.insert(manager, participant);
        await this.audit.record(manager, {
          actor,
          action: 'PARTICIPANT_REGISTERED',
          outcome: 'SUCCESS',
          participantId: participant.participantId,
          details: { screeningNumber: participant.screeningNumber, stratum: participant.stratum },
        });
        for (const kind of enrolmentMilestones(registered, registered + 1, this.trial.targetSize)) {
          await this.outbox.enqueueEmail(manager, {
            kind,
            participantId: participant.participantId,
            registered: registered + 1,
            targetSize: this.trial.targetSize,
            at: participant.registeredAt,
            by: actor.username,
          });
        }
        return { ok: participant };
      }),
    );
    return {
      participantId: participant.participantId,
      status: 'REGISTERED',
      registeredAt: participant.registeredAt,
    };
  }

  /**
   * Corrects a registration with a reason, in one transaction with its audit entry, which holds
   * the old and new value of every changed field (planCorrection() decides what may change).
   * Refusals are audited as REGISTRATION_CORRECTION_REFUSED and change nothing.
   */
  async correct(
    actor: Actor,
    participantId: string,
    dto: CorrectRegistrationDto,
  ): Promise<CorrectionDto> {
    const request = {
      screeningNumber: dto.screeningNumber,
      age: dto.age,
      eligibility: dto.eligibility === undefined ? undefined : booleanAnswers(dto.eligibility),
      strata: stratumValues(dto.strata),
    };
    if (Object.values(request).every((value) => value === undefined)) {
      throw new InvalidInput(
        'Give at least one of screeningNumber, age, eligibility or strata to correct',
      );
    }
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<CorrectionDto>> => {
        const refuse = (refusal: DomainError, details: Record<string, unknown> = {}) =>
          this.refuse(manager, actor, 'REGISTRATION_CORRECTION_REFUSED', participantId, refusal, {
            reason: dto.reason,
            ...details,
          });
        const participant = await this.participants.lockById(manager, participantId);
        if (!participant) return refuse(new NotFound(`No participant ${participantId}`));
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        if (record.lockedAt) return refuse(new StudyLocked());

        const plan = planCorrection(
          this.trial,
          {
            screeningNumber: participant.screeningNumber,
            age: participant.age,
            eligibility: JSON.parse(participant.eligibility) as Record<string, boolean>,
            stratum: participant.stratum,
          },
          participant.allocatedAt !== null,
          request,
        );
        switch (plan.kind) {
          case 'invalid':
            return refuse(new InvalidInput(plan.problems.join('; ')));
          case 'no-change':
            return refuse(
              new InvalidInput(
                'The correction changes nothing: every value given equals the registered one',
                'NO_CHANGE',
              ),
            );
          case 'stratum-fixed':
            return refuse(
              new Conflict(
                `Participant ${participantId} is allocated in stratum "${plan.from}": the strata that chose its list cannot change`,
                'STRATUM_FIXED',
              ),
              { stratum: plan.from, requestedStratum: plan.to },
            );
          case 'ineligible':
            return refuse(
              new Ineligible(
                plan.failed,
                describeFailures(
                  this.trial.eligibility,
                  request.age ?? participant.age,
                  plan.failed,
                ),
              ),
              { failed: plan.failed },
            );
          case 'correct':
            break;
        }
        if (plan.changed.includes('screeningNumber')) {
          // PostgreSQL: the uniqueness check takes its turn with registrations.
          await advisoryXactLock(manager, XACT_LOCK.registration);
          const taken = await this.participants.isScreeningNumberTaken(
            manager,
            plan.after.screeningNumber,
          );
          if (taken) {
            return refuse(
              new Conflict(
                `Screening number ${plan.after.screeningNumber} is already registered`,
                'DUPLICATE',
              ),
            );
          }
        }
        const stored: Pick<
          ParticipantEntity,
          'screeningNumber' | 'age' | 'eligibility' | 'stratum'
        > = { ...plan.after, eligibility: canonicalJson(plan.after.eligibility) };
        // Only the changed columns are written (see ParticipantsRepository.correct).
        const update = Object.fromEntries(plan.changed.map((field) => [field, stored[field]]));
        await this.participants.correct(manager, participantId, update);
        Object.assign(participant, stored);
        await this.audit.record(manager, {
          actor,
          action: 'REGISTRATION_CORRECTED',
          outcome: 'SUCCESS',
          participantId,
          reason: dto.reason,
          details: {
            changed: plan.changed,
            before: plan.before,
            after: plan.corrected,
            allocated: participant.allocatedAt !== null,
            ...(plan.failed.length > 0 ? { failed: plan.failed } : {}),
          },
        });
        return {
          ok: {
            participant: toBlindedParticipant(participant),
            changed: plan.changed,
            failed: plan.failed,
          },
        };
      }),
    );
  }

  /**
   * Withdraws a participant with a reason. The allocation stands (no slot is freed; the list's
   * order is untouched); the participant can no longer be allocated, and can still be unblinded
   * in an emergency, since the treating physician's need does not end with the withdrawal.
   */
  withdraw(actor: Actor, participantId: string, reason: string): Promise<BlindedParticipantDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<BlindedParticipantDto>> => {
        const refuse = (refusal: DomainError) =>
          this.refuse(manager, actor, 'WITHDRAWAL_REFUSED', participantId, refusal, { reason });
        const participant = await this.participants.lockById(manager, participantId);
        if (!participant) return refuse(new NotFound(`No participant ${participantId}`));
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        switch (withdrawalRefusal({ locked: record.lockedAt !== null, ...participant })) {
          case 'study-locked':
            return refuse(new StudyLocked());
          case 'already-withdrawn':
            return refuse(
              new Conflict(
                `Participant ${participantId} was already withdrawn on ${participant.withdrawnAt}`,
                'ALREADY_WITHDRAWN',
              ),
            );
          case undefined:
            break;
        }
        participant.withdrawnAt = new Date().toISOString();
        participant.withdrawnBy = actor.username;
        participant.withdrawalReason = reason;
        await this.participants.markWithdrawn(manager, participantId, {
          withdrawnAt: participant.withdrawnAt,
          withdrawnBy: participant.withdrawnBy,
          withdrawalReason: participant.withdrawalReason,
        });
        await this.audit.record(manager, {
          actor,
          action: 'PARTICIPANT_WITHDRAWN',
          outcome: 'SUCCESS',
          participantId,
          reason,
          details: {
            allocated: participant.allocatedAt !== null,
            unblinded: participant.unblindedAt !== null,
          },
        });
        return { ok: toBlindedParticipant(participant) };
      }),
    );
  }

  /**
   * What a guess of the participant's allocation needs to know of them (blinding assessment),
   * read in the caller's transaction and held until it ends: FOR SHARE on PostgreSQL, so that an
   * unblinding in flight either commits before the read (and is seen) or waits for the caller;
   * SQLite's write lock already orders them. Undefined for an unknown participant.
   */
  async sealForGuess(
    manager: EntityManager,
    participantId: string,
  ): Promise<{ allocated: boolean; unblindedAt: string | null } | undefined> {
    const participant = await this.participants.lockByIdShared(manager, participantId);
    if (!participant) return undefined;
    return { allocated: participant.allocatedAt !== null, unblindedAt: participant.unblindedAt };
  }

  /** Records a refusal in the caller's transaction (with its code, status and why it was asked). */
  private async refuse(
    manager: EntityManager,
    actor: Actor,
    action: 'REGISTRATION_CORRECTION_REFUSED' | 'WITHDRAWAL_REFUSED',
    participantId: string,
    refusal: DomainError,
    details: Record<string, unknown>,
  ): Promise<{ refusal: Error }> {
    await this.audit.record(manager, {
      actor,
      action,
      outcome: refusal instanceof NotFound ? 'REJECTED' : 'DENIED',
      // The audit service records a text that is not of the id format in details only.
      participantId,
      reason: refusal.message,
      details: { code: refusal.code, status: HTTP_STATUS_OF[refusal.kind], ...details },
    });
    return { refusal: alreadyAudited(refusal) };
  }

  /** Every participant in registration order, or only the one with `screeningNumber` (unique). */
  list(filter: { screeningNumber?: string } = {}): Promise<BlindedParticipantDto[]> {
    return this.uow.read(async (manager) => {
      const participants = await this.participants.list(manager, filter);
      return participants.map(toBlindedParticipant);
    });
  }

  get(participantId: string): Promise<BlindedParticipantDto> {
    return this.uow.read(async (manager) => {
      const participant = await this.participants.findById(manager, participantId);
      if (!participant) throw new NotFound(`No participant ${participantId}`);
      return toBlindedParticipant(participant);
    });
  }

  // What other modules do to a participant, in their own transaction (`manager`): they write
  // the participants table through these intents only, each one call of the repository.

  /** The participant in the caller's transaction, null when there is none. */
  findById(manager: EntityManager, participantId: string): Promise<ParticipantEntity | null> {
    return this.participants.findById(manager, participantId);
  }

  /**
   * The allocation's view of a participant (online or from an envelope), its row held FOR
   * UPDATE on PostgreSQL, so that a second allocation of the same participant waits.
   */
  allocationStateForUpdate(
    manager: EntityManager,
    participantId: string,
  ): Promise<AllocationState | undefined> {
    return this.participants.allocationStateForUpdate(manager, participantId);
  }

  /** Records the allocation on the participant; false when it was already allocated. */
  markAllocated(
    manager: EntityManager,
    participantId: string,
    allocatedAt: string,
    username: string,
  ): Promise<boolean> {
    return this.participants.markAllocated(manager, participantId, allocatedAt, username);
  }

  /** Records an emergency unblinding (who, when, why; never what) on the participant. */
  markUnblinded(
    manager: EntityManager,
    participantId: string,
    unblinding: Pick<ParticipantEntity, 'unblindedAt' | 'unblindedBy' | 'unblindingReason'>,
  ): Promise<void> {
    return this.participants.markUnblinded(manager, participantId, unblinding);
  }

  /** Every unblinded participant, first unblinded first (the unblinding list). */
  listUnblinded(manager: EntityManager): Promise<ParticipantEntity[]> {
    return this.participants.listUnblinded(manager);
  }

  // The trial's status and the training reset count them.

  countRegistered(manager: EntityManager): Promise<number> {
    return this.participants.countRegistered(manager);
  }

  countAllocated(manager: EntityManager): Promise<number> {
    return this.participants.countAllocated(manager);
  }

  countUnblinded(manager: EntityManager): Promise<number> {
    return this.participants.countUnblinded(manager);
  }

  /** Training reset only: every participant (the triggers refuse it on a clinical database). */
  deleteAllForTrainingReset(manager: EntityManager): Promise<void> {
    return this.participants.deleteAll(manager);
  }
}
