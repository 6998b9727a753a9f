import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { Conflict, DomainError, InvalidInput, NotFound } from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { TrialDefinition } from '../config/trial-definition';
import { canonicalJson } from '../crypto/canonical-json';
import { advisoryXactLock, XACT_LOCK } from '../database/postgres-locks';
import { UnitOfWork } from '../database/unit-of-work';
import { enrolmentMilestones } from '../notifications/mail-messages';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { TRIAL_DEFINITION } from '../runtime';
import { StudyLocked } from '../trial/trial-errors';
import { trialRecord } from '../trial/trial-record';
import {
  BlindedParticipantDto,
  RegisteredParticipantDto,
  RegisterParticipantDto,
} from './dto/participant.dto';
import { describeFailures, evaluateEligibility } from './eligibility';
import { ParticipantEntity } from './participant.entity';
import { formatParticipantId, toBlindedParticipant } from './participant-views';
import { stratumKeyOf } from './stratum';

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
        const record = await trialRecord(manager, this.trial.protocolId, 'share');
        await advisoryXactLock(manager, XACT_LOCK.registration);
        const repository = manager.getRepository(ParticipantEntity);
        let refusal: DomainError | undefined;
        const registered = await repository.count();
        if (record.lockedAt) refusal = new StudyLocked();
        else if (registered >= this.trial.targetSize) {
          refusal = new Conflict(
            `Registration is closed: the target size of ${this.trial.targetSize} participants is reached`,
            'TARGET_REACHED',
          );
        } else if (await repository.existsBy({ screeningNumber: dto.screeningNumber })) {
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

        const last = await repository.find({ order: { number: 'DESC' }, take: 1 });
        const number = (last[0]?.number ?? 0) + 1;
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
        };
        await repository.insert(participant);
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

  /** Every participant in registration order, or only the one with `screeningNumber` (unique). */
  list(filter: { screeningNumber?: string } = {}): Promise<BlindedParticipantDto[]> {
    return this.uow.read(async (manager) => {
      const participants = await manager.getRepository(ParticipantEntity).find({
        where:
          filter.screeningNumber === undefined ? {} : { screeningNumber: filter.screeningNumber },
        order: { number: 'ASC' },
      });
      return participants.map(toBlindedParticipant);
    });
  }

  get(participantId: string): Promise<BlindedParticipantDto> {
    return this.uow.read(async (manager) => {
      const participant = await manager
        .getRepository(ParticipantEntity)
        .findOneBy({ participantId });
      if (!participant) throw new NotFound(`No participant ${participantId}`);
      return toBlindedParticipant(participant);
    });
  }
}
