import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { allocationGate, NoList } from '../allocation/allocation-gate';
import { AllocationDto } from '../allocation/dto/allocation.dto';
import { otherTarget, preparationFor } from '../allocation/preparation';
import { AuditService } from '../audit/audit.service';
import { HeadJournalService } from '../audit/head-journal.service';
import { Actor } from '../common/actor';
import { Conflict, DomainError, InvalidInput, NotFound, Throttled } from '../common/domain-errors';
import { describeWait } from '../auth/login-throttle';
import { Outcome, unwrap } from '../common/outcome';
import { AppConfig } from '../config/app-config';
import { TrialDefinition } from '../config/trial-definition';
import { BlindingCipher, BlindingDecryptionError } from '../crypto/blinding-cipher';
import { rotationPastThisServer } from '../crypto/key-check.service';
import { advisoryXactLock, stratumLockKey } from '../database/postgres-locks';
import { UnitOfWork } from '../database/unit-of-work';
import { NotificationOutbox } from '../notifications/notification-outbox';
import {
  FreeSlot,
  ListIntegrityFailure,
  RandomizationService,
} from '../randomization/randomization.service';
import { openSlot, SealedSlot } from '../randomization/sealing';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { StudyLocked } from '../trial/trial-errors';
import { TrialRecordService } from '../trial/trial-record.service';
import { ParticipantsService } from '../participants/participants.service';
import {
  EnvelopeDto,
  EnvelopeListDto,
  EnvelopeStatus,
  OfflineAllocationDto,
  RecordOfflineAllocationDto,
  VoidedEnvelopeDto,
} from './dto/envelopes.dto';
import {
  codeAttemptWait,
  codeWindowStart,
  WRONG_CODE_WINDOW_SECONDS,
  WRONG_CODES_ALLOWED,
} from './code-throttle';
import { renderEnvelopePage } from './envelope-page';
import { EnvelopeRow, EnvelopesRepository } from './envelopes.repository';
import {
  envelopeLabel,
  newOpeningCode,
  openingCodeHash,
  openingCodeMatches,
  parseEnvelopeLabel,
} from './opening-code';

export function statusOf(envelope: Pick<EnvelopeRow, 'usedAt' | 'voidedAt'>): EnvelopeStatus {
  if (envelope.usedAt !== null) return 'USED';
  if (envelope.voidedAt !== null) return 'VOIDED';
  return 'OUTSTANDING';
}

/**
 * Why an envelope that is no longer outstanding refuses to be printed, used or voided. `lockedAt`
 * tells an envelope voided at the study lock (voided_at is the lock's time) from one voided on
 * its own before it.
 */
function envelopeRefusal(envelope: EnvelopeRow, lockedAt: string | null): DomainError | undefined {
  const label = envelopeLabel(envelope.number);
  switch (statusOf(envelope)) {
    case 'USED':
      return new Conflict(
        `Envelope ${label} was already used for participant ${envelope.participantId ?? '?'} (recorded at ${envelope.usedAt ?? '?'} by ${envelope.usedBy ?? '?'})`,
        'ENVELOPE_USED',
      );
    case 'VOIDED':
      return new Conflict(
        `Envelope ${label} was voided at ${envelope.voidedAt ?? '?'} (${envelope.voidedAt === lockedAt ? 'study lock' : 'voided on its own: see its ENVELOPE_VOIDED entry'}) and can no longer be used`,
        'ENVELOPE_VOIDED',
      );
    case 'OUTSTANDING':
      return undefined;
  }
}

/**
 * Downtime envelopes (issue 15 item 2): the statistician issues envelopes for the next slots of
 * each stratum, which online allocation then skips; the pharmacist prints them (each printing a
 * fresh opening code, kept only as a hash) and, once the service is back, records each offline
 * allocation in one transaction with its ALLOCATED entry. Envelopes not used by the lock are
 * voided; their slots stay consumed.
 */
@Injectable()
export class EnvelopesService {
  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cipher: BlindingCipher,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly randomization: RandomizationService,
    private readonly headJournal: HeadJournalService,
    private readonly outbox: NotificationOutbox,
    private readonly envelopes: EnvelopesRepository,
    private readonly trials: TrialRecordService,
    private readonly participants: ParticipantsService,
  ) {}

  /** Reserves the next `perStratum` free slots of every stratum, one envelope each. */
  issue(actor: Actor, perStratum: number): Promise<EnvelopeListDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<EnvelopeListDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'ENVELOPE_ISSUE_REFUSED', null, refusal);
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        if (record.lockedAt) return refuse(new StudyLocked());
        const list = await this.randomization.header(manager, this.trial.protocolId);
        if (!list) return refuse(new NoList());
        // In a fixed order, so that two issues never wait for each other's second stratum; each
        // stratum's claim lock keeps online allocations out while its slots are reserved.
        const strata = [...(await this.randomization.strata(manager, list.listId))].sort();
        const reserved: { stratum: string; slots: { id: number }[] }[] = [];
        for (const stratum of strata) {
          await advisoryXactLock(manager, stratumLockKey(list.listId, stratum));
          const slots = await this.randomization.freeSlots(
            manager,
            list.listId,
            stratum,
            perStratum,
          );
          if (slots.length < perStratum) {
            return refuse(
              new Conflict(
                `Stratum "${stratum}" has ${slots.length} free slots left, fewer than the ${perStratum} envelopes asked for; nothing was issued`,
                'LIST_EXHAUSTED',
              ),
            );
          }
          reserved.push({ stratum, slots });
        }
        const issuedAt = new Date().toISOString();
        let number = await this.envelopes.nextNumber(manager);
        const issued: { envelopeNumber: string; stratum: string }[] = [];
        for (const { stratum, slots } of reserved) {
          for (const slot of slots) {
            await this.envelopes.insert(manager, {
              number,
              listId: list.listId,
              slotId: slot.id,
              stratum,
              issuedAt,
              issuedBy: actor.username,
            });
            issued.push({ envelopeNumber: envelopeLabel(number), stratum });
            number += 1;
          }
        }
        await this.audit.record(manager, {
          actor,
          action: 'ENVELOPES_ISSUED',
          outcome: 'SUCCESS',
          details: { perStratum, envelopes: issued },
        });
        const all = await this.envelopes.all(manager);
        const labels = new Set(issued.map((e) => e.envelopeNumber));
        return {
          ok: {
            envelopes: all
              .map((row) => toDto(row, undefined))
              .filter((e) => labels.has(e.envelopeNumber)),
          },
        };
      }),
    );
  }

  list(): Promise<EnvelopeListDto> {
    return this.uow.read(async (manager) => {
      const rows = await this.envelopes.all(manager);
      const voidings = rows.some((row) => row.voidedAt !== null)
        ? await this.voidings(manager)
        : [];
      return { envelopes: rows.map((row) => toDto(row, voidingOf(row, voidings))) };
    });
  }

  /**
   * Voids one outstanding envelope before the lock (lost, damaged, its seal broken without a
   * participant), with the statistician's reason: it can no longer be printed or used. Its slot
   * stays consumed, as at the lock: a printed copy may have been seen, so whoever saw it could
   * predict the allocation of the next online participant given that slot. The reason, like the
   * lock's, is kept in the audit entry (ENVELOPE_VOIDED), which the list reads it from.
   */
  voidOne(actor: Actor, label: string, reason: string): Promise<VoidedEnvelopeDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<VoidedEnvelopeDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'ENVELOPE_VOID_REFUSED', null, refusal);
        // The trial's row shared, as a recording holds it: the study lock waits for both.
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        if (record.lockedAt) return refuse(new StudyLocked());
        // On PostgreSQL the envelope's row locked: a recording of it and this take turns.
        const found = await this.find(manager, label);
        if ('refusal' in found) return refuse(found.refusal);
        const envelope = found.ok;
        const stale = envelopeRefusal(envelope, record.lockedAt);
        if (stale) return refuse(stale);
        const envelopeNumber = envelopeLabel(envelope.number);
        const voidedAt = new Date().toISOString();
        if (!(await this.envelopes.voidOne(manager, envelope.id, voidedAt))) {
          // Cannot happen under the write lock (SQLite) or the row lock (PostgreSQL).
          throw new Error(`Voiding envelope ${envelopeNumber} did not take`);
        }
        const printCount = Number(envelope.printCount);
        await this.audit.record(manager, {
          actor,
          action: 'ENVELOPE_VOIDED',
          outcome: 'SUCCESS',
          reason,
          details: { envelopeNumber, stratum: envelope.stratum, printCount },
        });
        return {
          ok: {
            envelopeNumber,
            stratum: envelope.stratum,
            status: 'VOIDED',
            printCount,
            voidedAt,
            voidedBy: actor.username,
            reason,
          },
        };
      }),
    );
  }

  /**
   * The printable page of one envelope, with a fresh opening code: only its hash is stored, so
   * an earlier printed copy's code stops working. Audited as ENVELOPE_PRINTED (an exposure: the
   * printer has seen the target of that slot).
   */
  async print(actor: Actor, label: string): Promise<string> {
    const page = await unwrap(
      this.uow.write(async (manager): Promise<Outcome<string>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'ENVELOPE_PRINT_REFUSED', null, refusal);
        const record = await this.trials.record(manager, this.trial.protocolId, 'share');
        const envelope = await this.find(manager, label);
        if ('refusal' in envelope) return refuse(envelope.refusal);
        const stale = envelopeRefusal(envelope.ok, record.lockedAt);
        if (stale) return refuse(stale);
        if (record.lockedAt) return refuse(new StudyLocked());
        const slot = await this.slotOf(manager, envelope.ok);
        const target = await this.openTarget(manager, actor, slot, 'printing');
        if ('refusal' in target) return refuse(target.refusal);
        const printedAt = new Date();
        const openingCode = newOpeningCode();
        const changed = await this.envelopes.recordPrinting(
          manager,
          envelope.ok.id,
          openingCodeHash(this.trial.protocolId, envelope.ok.number, openingCode),
          printedAt.toISOString(),
          actor.username,
        );
        if (changed !== 1) throw new Error(`Printing envelope ${label} changed ${changed} rows`);
        const printing = envelope.ok.printCount + 1;
        await this.audit.record(manager, {
          actor,
          action: 'ENVELOPE_PRINTED',
          outcome: 'SUCCESS',
          details: {
            envelopeNumber: envelopeLabel(envelope.ok.number),
            stratum: envelope.ok.stratum,
            printing,
          },
        });
        return {
          ok: renderEnvelopePage(this.trial, {
            envelopeNumber: envelope.ok.number,
            stratum: envelope.ok.stratum,
            slot: slot.slot,
            target: target.ok,
            openingCode,
            issuedAt: envelope.ok.issuedAt,
            issuedBy: envelope.ok.issuedBy,
            printedAt,
            printedBy: actor.username,
            printing,
            training: this.config.training,
          }),
        };
      }),
    );
    await this.headJournal.recordHead();
    return page;
  }

  /**
   * An allocation made on paper from an envelope, recorded once the service is back: the
   * envelope's slot becomes the participant's, in one transaction with an ALLOCATED entry
   * marked offline. Refused (and audited) for an envelope used, voided, of another stratum or
   * never printed, a wrong code, an impossible time of opening, a participant already allocated
   * or withdrawn, and after the lock.
   */
  async recordOffline(
    actor: Actor,
    participantId: string,
    dto: RecordOfflineAllocationDto,
  ): Promise<OfflineAllocationDto> {
    const answer = await unwrap(this.recordOfflineInTransaction(actor, participantId, dto));
    await this.headJournal.recordHead();
    return answer;
  }

  private recordOfflineInTransaction(
    actor: Actor,
    participantId: string,
    dto: RecordOfflineAllocationDto,
  ): Promise<Outcome<OfflineAllocationDto>> {
    return this.uow.write(async (manager): Promise<Outcome<OfflineAllocationDto>> => {
      const refuse = (refusal: Error) =>
        this.audit.recordRefusal(
          manager,
          actor,
          'OFFLINE_ALLOCATION_REFUSED',
          participantId,
          refusal,
        );
      const gate = await allocationGate(
        { trials: this.trials, randomization: this.randomization },
        manager,
        {
          protocolId: this.trial.protocolId,
          participantId,
          participant: await this.participants.allocationStateForUpdate(manager, participantId),
          actor,
        },
      );
      if ('refusal' in gate) return refuse(gate.refusal);
      const { participant, list } = gate;

      // The stratum's claim lock, as the online claim takes it; then the envelope's row.
      await advisoryXactLock(manager, stratumLockKey(list.listId, participant.stratum));
      const found = await this.find(manager, dto.envelopeNumber);
      if ('refusal' in found) return refuse(found.refusal);
      const envelope = found.ok;
      const label = envelopeLabel(envelope.number);
      // The gate refused a locked study: an envelope voided by now was voided on its own.
      const stale = envelopeRefusal(envelope, null);
      if (stale) return refuse(stale);
      if (envelope.stratum !== participant.stratum) {
        return refuse(
          new Conflict(
            `Envelope ${label} is for stratum "${envelope.stratum}"; participant ${participantId} is in stratum "${participant.stratum}"`,
            'ENVELOPE_WRONG_STRATUM',
          ),
        );
      }
      if (envelope.codeHash === null || envelope.printedAt === null) {
        return refuse(
          new Conflict(
            `Envelope ${label} was never printed, so it cannot have been opened`,
            'ENVELOPE_NOT_PRINTED',
          ),
        );
      }
      // A few wrong codes within the window, and the envelope takes no code, the right one
      // included, so the answer says nothing of the code typed (code-throttle.ts).
      const now = new Date();
      const windowStart = codeWindowStart(now);
      const failures = await this.envelopes.codeFailuresSince(manager, envelope.id, windowStart);
      const wait = codeAttemptWait(failures, now.getTime());
      if (wait !== undefined) {
        return refuse(
          new Throttled(
            `Envelope ${label} took ${failures.length} wrong opening codes in the last ${describeWait(WRONG_CODE_WINDOW_SECONDS)} and refuses attempts for now; wait ${describeWait(wait)}, then type the code of its latest printing`,
          ),
        );
      }
      if (
        !openingCodeMatches(
          envelope.codeHash,
          this.trial.protocolId,
          envelope.number,
          dto.openingCode,
        )
      ) {
        await this.envelopes.recordCodeFailure(
          manager,
          envelope.id,
          now.toISOString(),
          windowStart,
        );
        const left = WRONG_CODES_ALLOWED - failures.length - 1;
        return refuse(
          new DomainError(
            'unprocessable',
            `The opening code is not the one printed inside envelope ${label} (its latest printing); ` +
              (left > 0
                ? `after ${left} more wrong ${left === 1 ? 'code' : 'codes'} within ${describeWait(WRONG_CODE_WINDOW_SECONDS)} the envelope refuses attempts for a while`
                : `the envelope now refuses attempts for ${describeWait(WRONG_CODE_WINDOW_SECONDS)}`),
            { code: 'ENVELOPE_CODE_WRONG' },
          ),
        );
      }
      const openedAt = new Date(dto.openedAt);
      if (Number.isNaN(openedAt.getTime())) {
        // The DTO admits only forms Date reads; this keeps any other out of toISOString (a 500).
        return refuse(
          new InvalidInput(
            `The time of opening ${dto.openedAt} is no time`,
            'OPENING_TIME_INVALID',
          ),
        );
      }
      if (openedAt.getTime() > now.getTime()) {
        return refuse(
          new InvalidInput(
            `The time of opening ${dto.openedAt} is in the future (server time ${now.toISOString()})`,
            'OPENING_TIME_INVALID',
          ),
        );
      }
      // People write times of opening to the minute: the minute of printing is allowed. The copy
      // opened may be older than the latest printing (printed again before the opened one was
      // recorded, the new code typed): only a time before the first printing is impossible.
      const minute = (at: string) => Math.floor(new Date(at).getTime() / 60_000) * 60_000;
      if (openedAt.getTime() < minute(envelope.printedAt)) {
        const firstPrintedAt = await this.firstPrintedAt(manager, envelope);
        if (openedAt.getTime() < minute(firstPrintedAt)) {
          return refuse(
            new InvalidInput(
              `The time of opening ${dto.openedAt} is before envelope ${label} was first printed (${firstPrintedAt})`,
              'OPENING_TIME_INVALID',
            ),
          );
        }
      }

      const slot = await this.slotOf(manager, envelope);
      const target = await this.openTarget(manager, actor, slot, 'recording an offline allocation');
      if ('refusal' in target) return refuse(target.refusal);
      const inOrder = (await this.envelopes.outstandingBefore(manager, envelope)) === 0;
      const recordedAt = now.toISOString();
      const allocatedAt = openedAt.toISOString();
      // Three conditional writes, each matching one row only while it is still free: the
      // envelope used, its slot claimed, the participant allocated.
      const used = await this.envelopes.markUsed(manager, envelope.id, {
        participantId,
        openedAt: allocatedAt,
        usedAt: recordedAt,
        usedBy: actor.username,
      });
      const claimed = await this.randomization.claimReservedSlot(
        manager,
        envelope.slotId,
        participantId,
        allocatedAt,
      );
      const marked = await this.participants.markAllocated(
        manager,
        participantId,
        allocatedAt,
        actor.username,
      );
      if (!used || !claimed || !marked) {
        // Cannot happen under the write lock (SQLite) or the row and claim locks (PostgreSQL);
        // if it ever does, nothing of this attempt is kept.
        throw new Error(
          `Offline allocation of ${participantId} from ${label} did not take (envelope ${Number(used)}, slot ${Number(claimed)}, participant ${Number(marked)})`,
        );
      }
      await this.audit.record(manager, {
        actor,
        action: 'ALLOCATED',
        outcome: 'SUCCESS',
        participantId,
        details: {
          stratum: slot.stratum,
          slot: slot.slot,
          offline: true,
          envelopeNumber: label,
          openedAt: allocatedAt,
          inOrder,
        },
      });
      await this.outbox.enqueueEmail(manager, {
        kind: 'ALLOCATION_CONFIRMED',
        participantId,
        at: allocatedAt,
        by: actor.username,
      });
      const allocation: AllocationDto = {
        participantId,
        slot: slot.slot,
        cellLimb: target.ok,
        salineLimb: otherTarget(this.trial, target.ok),
        allocatedAt,
        preparation: preparationFor(this.trial, target.ok),
      };
      return {
        ok: {
          ...allocation,
          offline: true,
          envelopeNumber: label,
          openedAt: allocatedAt,
          recordedAt,
        },
      };
    });
  }

  /**
   * At the study lock, in its transaction: every envelope still outstanding is voided for good
   * (ENVELOPES_VOIDED). Their slots stay out of the list's allocations.
   */
  async voidAtLock(manager: EntityManager, actor: Actor, voidedAt: string): Promise<number> {
    const voided = await this.envelopes.voidOutstanding(manager, voidedAt);
    if (voided.length === 0) return 0;
    await this.audit.record(manager, {
      actor,
      action: 'ENVELOPES_VOIDED',
      outcome: 'SUCCESS',
      reason: 'Not used by the study lock',
      details: { envelopes: voided.map(envelopeLabel), count: voided.length },
    });
    return voided.length;
  }

  /** Every voiding the audit log holds: one envelope (ENVELOPE_VOIDED) or those left at the lock. */
  private async voidings(manager: EntityManager): Promise<Voiding[]> {
    const entries = await this.audit.successesOf(manager, ['ENVELOPE_VOIDED', 'ENVELOPES_VOIDED']);
    return entries.map((entry) => {
      const { envelopeNumber, envelopes } = entry.details;
      const labels: unknown[] =
        entry.action === 'ENVELOPE_VOIDED'
          ? [envelopeNumber]
          : Array.isArray(envelopes)
            ? (envelopes as unknown[])
            : [];
      return {
        labels: new Set(labels.filter((l): l is string => typeof l === 'string')),
        at: Date.parse(entry.at),
        by: entry.actor,
        reason: entry.reason,
      };
    });
  }

  private async find(
    manager: EntityManager,
    label: string,
  ): Promise<{ ok: EnvelopeRow } | { refusal: Error }> {
    const number = parseEnvelopeLabel(label);
    const envelope =
      number === undefined ? undefined : await this.envelopes.byNumber(manager, number);
    if (!envelope) {
      return { refusal: new NotFound(`No downtime envelope ${label}`, 'ENVELOPE_NOT_FOUND') };
    }
    return { ok: envelope };
  }

  /** The sealed slot an envelope holds. */
  private async slotOf(manager: EntityManager, envelope: EnvelopeRow): Promise<FreeSlot> {
    const slot = await this.randomization.sealedSlot(manager, envelope.slotId);
    if (!slot) throw new Error(`Envelope ${envelope.number} points at no slot`);
    return slot;
  }

  /**
   * When the envelope was first printed: its earliest ENVELOPE_PRINTED entry since its issue (a
   * practice reset numbers envelopes from 1 again), or its latest printing if none is found.
   */
  private async firstPrintedAt(manager: EntityManager, envelope: EnvelopeRow): Promise<string> {
    const label = envelopeLabel(envelope.number);
    const issuedAt = new Date(envelope.issuedAt).getTime();
    const first = (await this.audit.successesOf(manager, ['ENVELOPE_PRINTED'])).find(
      (entry) => entry.details.envelopeNumber === label && new Date(entry.at).getTime() >= issuedAt,
    );
    return first?.at ?? envelope.printedAt ?? envelope.issuedAt;
  }

  /** The envelope slot's target; a sealed value that fails to open is a list integrity failure. */
  private async openTarget(
    manager: EntityManager,
    actor: Actor,
    slot: SealedSlot,
    doing: string,
  ): Promise<Outcome<string>> {
    try {
      return { ok: openSlot(this.cipher, this.trial.protocolId, slot) };
    } catch (error) {
      const rotated = await rotationPastThisServer(manager, this.cipher, error);
      if (rotated) throw rotated;
      if (!(error instanceof BlindingDecryptionError)) throw error;
      await this.randomization.reportSlotFailure(
        manager,
        error.message,
        `opening an envelope's slot (${doing}) for ${actor.username}`,
      );
      return {
        refusal: new ListIntegrityFailure(`slot ${slot.slot} of stratum "${slot.stratum}"`),
      };
    }
  }

  /**
   * How many of the stratum's slots outstanding envelopes hold (a count only: the online
   * allocation's LIST_EXHAUSTED says it).
   */
  countOutstanding(manager: EntityManager, listId: number, stratum: string): Promise<number> {
    return this.envelopes.countOutstanding(manager, listId, stratum);
  }

  /** Training reset only: every envelope and its counted wrong codes go with the list. */
  async deleteAllForTrainingReset(manager: EntityManager): Promise<void> {
    await this.envelopes.deleteAll(manager);
  }
}

/** Who voided an envelope and why, as the audit log says. */
interface Voiding {
  labels: Set<string>;
  at: number;
  by: string;
  reason: string | null;
}

/**
 * The voiding of a voided envelope: the latest entry naming its number since its issue (a
 * practice reset numbers envelopes from 1 again).
 */
function voidingOf(row: EnvelopeRow, voidings: readonly Voiding[]): Voiding | undefined {
  if (row.voidedAt === null) return undefined;
  const label = envelopeLabel(row.number);
  const issuedAt = Date.parse(row.issuedAt);
  return voidings.filter((v) => v.labels.has(label) && v.at >= issuedAt).pop();
}

function toDto(row: EnvelopeRow, voiding: Voiding | undefined): EnvelopeDto {
  return {
    envelopeNumber: envelopeLabel(row.number),
    stratum: row.stratum,
    status: statusOf(row),
    issuedAt: row.issuedAt,
    issuedBy: row.issuedBy,
    printCount: Number(row.printCount),
    printedAt: row.printedAt,
    printedBy: row.printedBy,
    participantId: row.participantId,
    openedAt: row.openedAt,
    usedAt: row.usedAt,
    usedBy: row.usedBy,
    voidedAt: row.voidedAt,
    voidedBy: voiding?.by ?? null,
    voidReason: voiding?.reason ?? null,
  };
}
