import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { Conflict, InvalidInput, NotFound } from '../common/domain-errors';
import { AuditAction } from '../audit/audit-actions';
import { AuditService } from '../audit/audit.service';
import { HeadJournalService } from '../audit/head-journal.service';
import { TrialDefinition } from '../config/trial-definition';
import { BlindingCipher, BlindingDecryptionError } from '../crypto/blinding-cipher';
import { rotationPastThisServer } from '../crypto/key-check.service';
import { UnitOfWork } from '../database/unit-of-work';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { failedAllocationOutcome } from '../observability/metric-labels';
import { EnvelopesService } from '../envelopes/envelopes.service';
import { MetricsService } from '../observability/metrics.service';
import { AllocationState, ParticipantsService } from '../participants/participants.service';
import { ListIntegrityFailure, RandomizationService } from '../randomization/randomization.service';
import { openSlot } from '../randomization/sealing';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { AppConfig } from '../config/app-config';
import { TrialRecordService } from '../trial/trial-record.service';
import { allocationGate, AllocationGateReaders } from './allocation-gate';
import { AllocationDto } from './dto/allocation.dto';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { otherTarget, preparationFor, renderPreparationSheet } from './preparation';

export class NotAllocated extends Conflict {
  constructor(participantId: string) {
    super(`Participant ${participantId} has not been allocated yet`, 'NOT_ALLOCATED');
  }
}

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

@Injectable()
export class AllocationService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cipher: BlindingCipher,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly randomization: RandomizationService,
    private readonly headJournal: HeadJournalService,
    private readonly outbox: NotificationOutbox,
    private readonly metrics: MetricsService,
    private readonly trials: TrialRecordService,
    private readonly participants: ParticipantsService,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly envelopes: EnvelopesService,
  ) {}

  /**
   * Gives the participant the next free slot of its stratum, in one transaction with its ALLOCATED
   * entry. The claim is a conditional update that can match one free row only; the transaction
   * holds the write lock (SQLite) or the stratum's claim lock (PostgreSQL), so no two
   * allocations, in this process or another, see the same slot free.
   */
  async allocate(
    actor: Actor,
    participantId: string,
    idempotencyKey?: string,
  ): Promise<AllocationDto> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const allocation = await this.allocateInTransaction(actor, participantId, idempotencyKey);
      // Committed: journal the new head before acknowledging (docs/operations.md, "Lost tails").
      await this.headJournal.recordHead();
      this.metrics.observeAllocation('allocated', seconds());
      return allocation;
    } catch (error) {
      this.metrics.observeAllocation(failedAllocationOutcome(error), seconds());
      throw error;
    }
  }

  private allocateInTransaction(
    actor: Actor,
    participantId: string,
    idempotencyKey?: string,
  ): Promise<AllocationDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<AllocationDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'ALLOCATION_REFUSED', participantId, refusal);
        if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
          return refuse(
            new InvalidInput(
              'Idempotency-Key must be 8 to 128 letters, digits, dots, colons, dashes or underscores',
            ),
          );
        }
        const participant = await this.participants.allocationStateForUpdate(
          manager,
          participantId,
        );

        if (participant && idempotencyKey !== undefined) {
          const seen = await this.idempotencyKeys.find(manager, idempotencyKey);
          if (seen) {
            if (seen.participantId !== participantId || seen.username !== actor.username) {
              return refuse(
                new Conflict('This Idempotency-Key was used for another request; use a new key'),
              );
            }
            // A retry of a request that succeeded: the same answer, read again and audited as a view.
            return this.read(manager, actor, participant, 'ALLOCATION_VIEWED', {
              idempotentReplay: true,
            });
          }
        }

        const gate = await allocationGate(this.gateReaders(), manager, {
          protocolId: this.trial.protocolId,
          participantId,
          participant,
          actor,
        });
        if ('refusal' in gate) return refuse(gate.refusal);
        const { list } = gate;

        // PostgreSQL: claims in one stratum take turns, so the lowest free slot read here is
        // still free at the claim, and a claim rolled back leaves it the lowest for the next.
        const candidate = await this.randomization.nextFreeSlot(
          manager,
          list.listId,
          gate.participant.stratum,
        );
        if (!candidate) {
          return refuse(await this.listExhausted(manager, list.listId, gate.participant.stratum));
        }
        let target: string;
        try {
          target = openSlot(this.cipher, this.trial.protocolId, candidate);
        } catch (error) {
          const rotated = await rotationPastThisServer(manager, this.cipher, error);
          if (rotated) throw rotated;
          if (error instanceof BlindingDecryptionError) {
            await this.randomization.reportSlotFailure(
              manager,
              error.message,
              `opening the next slot for an allocation by ${actor.username}`,
            );
            return refuse(
              new ListIntegrityFailure(`slot ${candidate.slot} of stratum "${candidate.stratum}"`),
            );
          }
          throw error;
        }

        const allocatedAt = new Date().toISOString();
        const claimed = await this.randomization.claimSlot(
          manager,
          candidate.id,
          participantId,
          allocatedAt,
        );
        const marked = await this.participants.markAllocated(
          manager,
          participantId,
          allocatedAt,
          actor.username,
        );
        if (!claimed || !marked) {
          // Cannot happen under the write lock (SQLite) or the participant's row lock and the
          // stratum's claim lock (PostgreSQL); if it ever does, nothing of this attempt is kept.
          throw new Error(
            `Allocation of ${participantId} claimed ${Number(claimed)} slots and ${Number(marked)} participants`,
          );
        }
        if (idempotencyKey !== undefined) {
          await this.idempotencyKeys.insert(manager, {
            key: idempotencyKey,
            username: actor.username,
            participantId,
            createdAt: allocatedAt,
          });
        }
        await this.audit.record(manager, {
          actor,
          action: 'ALLOCATED',
          outcome: 'SUCCESS',
          participantId,
          details: { stratum: candidate.stratum, slot: candidate.slot },
        });
        // The investigators' confirmation: who and when, never the target or the slot.
        await this.outbox.enqueueEmail(manager, {
          kind: 'ALLOCATION_CONFIRMED',
          participantId,
          at: allocatedAt,
          by: actor.username,
        });
        return { ok: this.answer(participantId, candidate.slot, target, allocatedAt) };
      }),
    );
  }

  /**
   * LIST_EXHAUSTED, saying how many of the stratum's slots outstanding downtime envelopes hold:
   * a count only, never which slots or what they hold.
   */
  private async listExhausted(
    manager: EntityManager,
    listId: number,
    stratum: string,
  ): Promise<Conflict> {
    const held = await this.envelopes.countOutstanding(manager, listId, stratum);
    const envelopes =
      held === 0
        ? ''
        : held === 1
          ? '; 1 slot is held by an outstanding downtime envelope'
          : `; ${held} slots are held by outstanding downtime envelopes`;
    return new Conflict(
      `The list of stratum "${stratum}" is exhausted: no free slot is left${envelopes}`,
      'LIST_EXHAUSTED',
    );
  }

  private gateReaders(): AllocationGateReaders {
    return { trials: this.trials, randomization: this.randomization };
  }

  /** The pharmacist re-reads an allocation to prepare the syringes; every read is audited. */
  async reread(actor: Actor, participantId: string): Promise<AllocationDto> {
    const viewed = await unwrap(this.viewOnce(actor, participantId, 'ALLOCATION_VIEWED'));
    return viewed.allocation;
  }

  /** The printable sheet: ward labels and the pharmacy copy, printed by the actor, now. */
  async preparationSheet(actor: Actor, participantId: string): Promise<string> {
    const viewed = await unwrap(this.viewOnce(actor, participantId, 'PREPARATION_SHEET_VIEWED'));
    return renderPreparationSheet(this.trial, {
      ...viewed,
      printedAt: new Date(),
      printedBy: actor.username,
      training: this.config.training,
    });
  }

  private viewOnce(
    actor: Actor,
    participantId: string,
    action: 'ALLOCATION_VIEWED' | 'PREPARATION_SHEET_VIEWED',
  ): Promise<Outcome<{ allocation: AllocationDto; screeningNumber: string }>> {
    return this.uow.write(async (manager) => {
      const refuse = (refusal: Error) =>
        this.audit.recordRefusal(manager, actor, action, participantId, refusal);
      const participant = await this.participants.findById(manager, participantId);
      if (!participant) return refuse(new NotFound(`No participant ${participantId}`));
      if (!participant.allocatedAt) return refuse(new NotAllocated(participantId));
      const read = await this.read(manager, actor, participant, action, {});
      if ('refusal' in read) return read;
      return { ok: { allocation: read.ok, screeningNumber: participant.screeningNumber } };
    });
  }

  /** Decrypts the participant's slot and records who saw it. */
  private async read(
    manager: EntityManager,
    actor: Actor,
    participant: AllocationState,
    action: AuditAction,
    details: Record<string, unknown>,
  ): Promise<Outcome<AllocationDto>> {
    const allocatedAt = participant.allocatedAt;
    if (!allocatedAt) throw new Error(`Participant ${participant.participantId} is not allocated`);
    const opened = await this.randomization.openAllocation(manager, participant.participantId);
    if ('refusal' in opened) {
      return this.audit.recordRefusal(
        manager,
        actor,
        action,
        participant.participantId,
        opened.refusal,
      );
    }
    const { slot, target } = opened.ok;
    await this.audit.record(manager, {
      actor,
      action,
      outcome: 'SUCCESS',
      participantId: participant.participantId,
      details: { slot, ...details },
    });
    return { ok: this.answer(participant.participantId, slot, target, allocatedAt) };
  }

  private answer(
    participantId: string,
    slot: number,
    target: string,
    allocatedAt: string,
  ): AllocationDto {
    return {
      participantId,
      slot,
      cellLimb: target,
      salineLimb: otherTarget(this.trial, target),
      allocatedAt,
      preparation: preparationFor(this.trial, target),
    };
  }

  /** Training reset only: the idempotency keys go with the allocations they answered for. */
  deleteAllForTrainingReset(manager: EntityManager): Promise<void> {
    return this.idempotencyKeys.deleteAll(manager);
  }
}
