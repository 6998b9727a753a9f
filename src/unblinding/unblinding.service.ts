import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { describeWait } from '../auth/login-throttle';
import { Conflict, Forbidden, NotFound, Throttled, Unauthenticated } from '../common/domain-errors';
import { alreadyAudited } from '../common/refusal-audit';
import { AuditService } from '../audit/audit.service';
import { HeadJournalService } from '../audit/head-journal.service';
import { PasswordCheckService } from '../auth/password-check.service';
import { TrialDefinition } from '../config/trial-definition';
import { UnitOfWork } from '../database/unit-of-work';
import { NotificationEntity } from '../notifications/notification.entity';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { recipientOrigin } from '../notifications/notification-worker';
import { ParticipantEntity } from '../participants/participant.entity';
import { ParticipantsService } from '../participants/participants.service';
import { otherTarget } from '../allocation/preparation';
import { RandomizationService } from '../randomization/randomization.service';
import { TRIAL_DEFINITION } from '../runtime';
import {
  UnblindingDto,
  UnblindingReviewDto,
  UnblindingReviewRequestDto,
  UnblindingSummaryDto,
} from './dto/unblinding.dto';
import { UnblindingReviewEntity } from './unblinding-review.entity';
import { UnblindingReviewsRepository } from './unblinding-reviews.repository';

/**
 * The state of an unblinding's notices taken together: FAILED as soon as one gave up (someone
 * on the sponsor's side was not told), DELIVERED only when every one arrived.
 */
export function notificationState(
  notices: Pick<NotificationEntity, 'deliveredAt' | 'failedAt'>[],
): 'NOT_CONFIGURED' | 'PENDING' | 'DELIVERED' | 'FAILED' {
  if (notices.length === 0) return 'NOT_CONFIGURED';
  if (notices.some((n) => n.failedAt)) return 'FAILED';
  return notices.every((n) => n.deliveredAt) ? 'DELIVERED' : 'PENDING';
}

/** What the re-entered password means, recorded with the signer's name and the time. */
export const UNBLINDING_SIGNATURE_MEANING = 'emergency unblinding';
export const REVIEW_SIGNATURE_MEANING = 'review of an emergency unblinding';

@Injectable()
export class UnblindingService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly passwords: PasswordCheckService,
    private readonly outbox: NotificationOutbox,
    private readonly randomization: RandomizationService,
    private readonly headJournal: HeadJournalService,
    private readonly participants: ParticipantsService,
    private readonly reviews: UnblindingReviewsRepository,
  ) {}

  /**
   * Breaks one participant's seal for good. The password re-entered is the electronic signature;
   * a wrong one is refused (401), audited and throttled like a login.
   */
  async unblind(
    actor: Actor,
    participantId: string,
    reason: string,
    password: string,
  ): Promise<UnblindingDto> {
    await this.checkSignature(actor, participantId, password, UNBLINDING_SIGNATURE_MEANING);
    const unblinding = await this.unblindInTransaction(actor, participantId, reason);
    // Committed: journal the new head before answering (docs/operations.md, "Lost tails").
    await this.headJournal.recordHead();
    return unblinding;
  }

  private unblindInTransaction(
    actor: Actor,
    participantId: string,
    reason: string,
  ): Promise<UnblindingDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<UnblindingDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'UNBLINDING_REFUSED', participantId, refusal);
        const participant = await this.participants.findById(manager, participantId);
        if (!participant) return refuse(new NotFound(`No participant ${participantId}`));
        if (!participant.allocatedAt) {
          return refuse(
            new Conflict(
              `Participant ${participantId} has not been allocated: there is nothing to unblind`,
              'NOT_ALLOCATED',
            ),
          );
        }
        const opened = await this.randomization.openAllocation(manager, participantId);
        if ('refusal' in opened) return refuse(opened.refusal);
        const target = opened.ok.target;
        const signature = {
          signer: actor.username,
          meaning: UNBLINDING_SIGNATURE_MEANING,
          at: new Date().toISOString(),
        };

        if (participant.unblindedAt) {
          // A repeated call answers the same, and is audited again.
          await this.audit.record(manager, {
            actor,
            action: 'UNBLINDED',
            outcome: 'SUCCESS',
            participantId,
            reason,
            details: { repeat: true, firstUnblindedAt: participant.unblindedAt, signature },
          });
          return { ok: this.answer(participant, target) };
        }

        participant.unblindedAt = signature.at;
        participant.unblindedBy = actor.username;
        participant.unblindingReason = reason;
        await this.participants.markUnblinded(manager, participantId, {
          unblindedAt: participant.unblindedAt,
          unblindedBy: participant.unblindedBy,
          unblindingReason: participant.unblindingReason,
        });
        const notification = await this.outbox.enqueue(
          manager,
          'EMERGENCY_UNBLINDING',
          participantId,
          {
            event: 'EMERGENCY_UNBLINDING',
            trial: this.trial.protocolId,
            participantId,
            unblindedBy: actor.username,
            unblindedAt: signature.at,
            reason,
          },
        );
        const email = await this.outbox.enqueueEmail(manager, {
          kind: 'EMERGENCY_UNBLINDING',
          participantId,
          at: signature.at,
          by: actor.username,
        });
        await this.audit.record(manager, {
          actor,
          action: 'UNBLINDED',
          outcome: 'SUCCESS',
          participantId,
          reason,
          details: {
            signature,
            notification: notification.queued
              ? { queuedFor: recipientOrigin(notification.recipient) }
              : { notQueued: notification.why },
            email: email.queued ? { queuedFor: email.recipients } : { notQueued: email.why },
          },
        });
        return { ok: this.answer(participant, target) };
      }),
    );
  }

  async review(
    actor: Actor,
    participantId: string,
    dto: UnblindingReviewRequestDto,
  ): Promise<UnblindingReviewDto> {
    await this.checkSignature(actor, participantId, dto.password, REVIEW_SIGNATURE_MEANING);
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<UnblindingReviewDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(
            manager,
            actor,
            'UNBLINDING_REVIEW_REFUSED',
            participantId,
            refusal,
          );
        const participant = await this.participants.findById(manager, participantId);
        if (!participant) return refuse(new NotFound(`No participant ${participantId}`));
        if (!participant.unblindedAt)
          return refuse(new Conflict(`Participant ${participantId} has not been unblinded`));
        if (participant.unblindedBy === actor.username) {
          return refuse(
            new Forbidden(
              'The person who unblinded cannot review their own unblinding',
              'SELF_REVIEW',
            ),
          );
        }
        const existing = await this.reviews.reviewOf(manager, participantId);
        if (existing) {
          return refuse(
            new Conflict(
              `This unblinding was already reviewed by ${existing.reviewedBy} at ${existing.reviewedAt}`,
            ),
          );
        }
        const review: Omit<UnblindingReviewEntity, 'id'> = {
          participantId,
          decision: dto.decision,
          comment: dto.comment,
          reviewedBy: actor.username,
          reviewedAt: new Date().toISOString(),
        };
        // The repository inserts a copy: the answer is the review, not the row.
        await this.reviews.insert(manager, review);
        await this.audit.record(manager, {
          actor,
          action: 'UNBLINDING_REVIEWED',
          outcome: 'SUCCESS',
          participantId,
          reason: dto.comment,
          details: {
            decision: dto.decision,
            signature: {
              signer: actor.username,
              meaning: REVIEW_SIGNATURE_MEANING,
              at: review.reviewedAt,
            },
          },
        });
        return { ok: review };
      }),
    );
  }

  /** Every unblinding with its review and notification state; never a target. */
  list(): Promise<UnblindingSummaryDto[]> {
    return this.uow.read(async (manager) => {
      const unblinded = await this.participants.listUnblinded(manager);
      const reviews = new Map((await this.reviews.all(manager)).map((r) => [r.participantId, r]));
      // A participant's notices: the webhook's and one per email address.
      const notices = new Map<string | null, NotificationEntity[]>();
      for (const notice of await this.outbox.noticesOfKind(manager, 'EMERGENCY_UNBLINDING')) {
        notices.set(notice.participantId, [...(notices.get(notice.participantId) ?? []), notice]);
      }
      return unblinded.map((p) => {
        const review = reviews.get(p.participantId);
        const sent = notices.get(p.participantId) ?? [];
        return {
          participantId: p.participantId,
          unblindedAt: p.unblindedAt ?? '',
          unblindedBy: p.unblindedBy ?? '',
          reason: p.unblindingReason ?? '',
          reviewState: review?.decision ?? 'PENDING',
          review: review
            ? {
                participantId: review.participantId,
                decision: review.decision,
                comment: review.comment,
                reviewedBy: review.reviewedBy,
                reviewedAt: review.reviewedAt,
              }
            : null,
          notification: notificationState(sent),
        };
      });
    });
  }

  private async checkSignature(
    actor: Actor,
    participantId: string,
    password: string,
    meaning: string,
  ): Promise<void> {
    const check = await this.passwords.check(
      actor.username,
      password,
      actor.ip ?? 'unknown',
      'signature',
    );
    if (check.kind === 'ok') return;
    await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor,
        action: 'SIGNATURE_FAILED',
        outcome: 'DENIED',
        participantId: participantId,
        reason:
          check.kind === 'throttled'
            ? `too many failed attempts for this ${check.by}`
            : check.kind === 'disabled'
              ? 'account disabled'
              : 'wrong password',
        details: { meaning },
      }),
    );
    // SIGNATURE_FAILED above is the refusal's entry.
    if (check.kind === 'throttled')
      throw alreadyAudited(
        new Throttled(
          `Too many failed signatures ${check.by === 'account' ? 'for this account' : 'from this workstation'}: ` +
            `wait ${describeWait(check.retryAfterSeconds)} before signing again. ` +
            (check.by === 'account'
              ? 'Another unblinder can act now under their own account.'
              : 'Another unblinder can act now from another workstation.'),
        ),
      );
    throw alreadyAudited(
      new Unauthenticated(
        'The password does not match: the signature was refused',
        'SIGNATURE_FAILED',
      ),
    );
  }

  private answer(participant: ParticipantEntity, target: string): UnblindingDto {
    return {
      participantId: participant.participantId,
      cellLimb: target,
      salineLimb: otherTarget(this.trial, target),
      unblindedAt: participant.unblindedAt ?? '',
      unblindedBy: participant.unblindedBy ?? '',
      reason: participant.unblindingReason ?? '',
    };
  }

  /** Training reset only: the reviews go with the unblindings they reviewed. */
  deleteAllForTrainingReset(manager: EntityManager): Promise<void> {
    return this.reviews.deleteAll(manager);
  }
}
