import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../common/actor';
import { Outcome, unwrap } from '../common/outcome';
import { Conflict } from '../common/domain-errors';
import { AuditService } from '../audit/audit.service';
import { TrialDefinition } from '../config/trial-definition';
import { BlindingCipher, BlindingDecryptionError } from '../crypto/blinding-cipher';
import { rotationPastThisServer } from '../crypto/key-check.service';
import { UnitOfWork } from '../database/unit-of-work';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { AppConfig } from '../config/app-config';
import { StudyLocked } from '../trial/trial-errors';
import { TrialRecordService } from '../trial/trial-record.service';
import { trialDefinitionHash } from '../trial/trial-definition-hash';
import { ListExportDto, ListGeneratedDto } from './dto/randomization.dto';
import { listCommitment, newCommitmentNonce } from './list-commitment';
import { SigningKeyPair } from '../crypto/key-material';
import { SIGNING_KEY_PAIR } from '../crypto/signing-key';
import { ListExport, signListExport, verifyListExport } from './list-export';
import { generateList, newListSeed } from './list-generator';
import {
  ListReportMismatch,
  listReportSlots,
  listCsv,
  listReportHtml,
  ListReportSlot,
} from './list-report';
import { sha256Hex } from '../crypto/hashing';
import { publicKeyBase64, signEd25519 } from '../crypto/ed25519';
import { RandomizationListEntity } from './randomization-list.entity';
import { FreeSlot, ListHeader, RandomizationListRepository } from './randomization-list.repository';
import { listSecretAssociatedData, openSlot, slotAssociatedData } from './sealing';
import { SlotEntity } from './slot.entity';

export type { FreeSlot, ListHeader };

/** A list report download: its body and the Ed25519 signature over the CSV bytes. */
export interface ListReportDownload {
  body: string;
  /** base64 of the Ed25519 signature over the UTF-8 bytes of the CSV export. */
  csvSignature: string;
  /** The audit signing public key, SPKI DER in base64. */
  publicKey: string;
}

/** The one list of this database's trial. */
const LIST_ID = 1;

export class ListAlreadyGenerated extends Conflict {
  constructor() {
    super(
      'The randomization list has already been generated; a trial has exactly one list',
      'LIST_EXISTS',
    );
  }
}

export class ListIntegrityFailure extends Conflict {
  constructor(problem: string) {
    super(
      `The stored randomization list failed its integrity check (${problem}). Allocation is blocked; ` +
        'contact the trial statistician and the system administrator.',
      'LIST_INTEGRITY_FAILED',
    );
  }
}

export class NotLockedYet extends Conflict {
  constructor() {
    super('The full list can be exported only after the study is locked', 'NOT_LOCKED');
  }
}

@Injectable()
export class RandomizationService {
  private readonly logger = new Logger('Randomization');
  /** Set when a check found the stored list broken: allocation stays blocked in this process. */
  private integrityProblem?: string;
  /** The commitment of the list this process has checked whole. */
  private checkedCommitment?: string;

  constructor(
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cipher: BlindingCipher,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    @Inject(SIGNING_KEY_PAIR) private readonly signingKey: SigningKeyPair,
    private readonly outbox: NotificationOutbox,
    private readonly trials: TrialRecordService,
    private readonly lists: RandomizationListRepository,
  ) {}

  async generate(actor: Actor, seedGiven?: string): Promise<ListGeneratedDto> {
    const seed = seedGiven ?? newListSeed();
    const nonce = newCommitmentNonce();
    // Generated and sealed before the write transaction: pure work does not hold the write lock.
    const slots = generateList(this.trial, seed);
    const commitment = listCommitment(
      this.trial.protocolId,
      slots,
      nonce,
      this.trial.randomization,
    );
    const protocolId = this.trial.protocolId;
    const sealed: Omit<SlotEntity, 'id'>[] = slots.map((slot) => ({
      listId: LIST_ID,
      stratum: slot.stratum,
      slot: slot.slot,
      targetSealed: this.cipher.encrypt(
        slot.target,
        slotAssociatedData(protocolId, LIST_ID, slot.stratum, slot.slot),
      ),
      participantId: null,
      allocatedAt: null,
    }));
    const list: RandomizationListEntity = {
      id: LIST_ID,
      protocolId,
      method: this.trial.randomization.method,
      commitment,
      seedSealed: this.cipher.encrypt(seed, listSecretAssociatedData(protocolId, LIST_ID, 'seed')),
      nonceSealed: this.cipher.encrypt(
        nonce,
        listSecretAssociatedData(protocolId, LIST_ID, 'nonce'),
      ),
      definitionHash: trialDefinitionHash(this.trial),
      generatedAt: new Date().toISOString(),
      generatedBy: actor.username,
    };

    const generated = await unwrap(
      this.uow.write(async (manager): Promise<Outcome<ListGeneratedDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'LIST_GENERATION_REFUSED', null, refusal);
        // PostgreSQL: one generation at a time, after any allocation or lock in flight.
        if ((await this.trials.record(manager, protocolId, 'update')).lockedAt)
          return refuse(new StudyLocked());
        if (await this.lists.exists(manager, protocolId)) {
          return refuse(new ListAlreadyGenerated());
        }
        await this.lists.insert(manager, list, sealed);
        await this.audit.record(manager, {
          actor,
          action: 'LIST_GENERATED',
          outcome: 'SUCCESS',
          details: {
            commitment,
            method: list.method,
            seedSource: seedGiven === undefined ? 'drawn' : 'chosen',
            strata: new Set(slots.map((s) => s.stratum)).size,
          },
        });
        return { ok: { commitment, method: list.method, generatedAt: list.generatedAt } };
      }),
    );
    // Generated and sealed by this process just now: it is the list this process has checked.
    this.checkedCommitment = generated.commitment;
    return generated;
  }

  /**
   * The start-up check, after the key check: decrypt every slot, regenerate the list from the
   * seed, recompute the commitment. A broken list blocks allocation and is audited; the server
   * still starts so that monitors can investigate.
   */
  async checkStoredListAtStart(): Promise<void> {
    const problem = await this.uow.read((manager) => this.checkWholeList(manager));
    if (problem === undefined) return;
    await this.uow.write((manager) =>
      this.recordIntegrityFailure(manager, problem, 'the check of the whole list at start'),
    );
  }

  /**
   * Before allocating: the whole list is checked once per process, at start or before the first
   * allocation from a list this process has not checked yet (one generated by another process);
   * each allocation then authenticates the sealed slot it opens. A failure blocks allocation for
   * good in this process and is audited in the caller's transaction.
   */
  async problemBeforeAllocating(
    manager: EntityManager,
    commitment: string,
    actor: Actor,
  ): Promise<string | undefined> {
    if (this.integrityProblem !== undefined) return this.integrityProblem;
    if (this.checkedCommitment === commitment) return undefined;
    const problem = await this.checkWholeList(manager);
    if (problem !== undefined) {
      await this.recordIntegrityFailure(
        manager,
        problem,
        `the check of the whole list before an allocation by ${actor.username}`,
      );
    }
    return problem;
  }

  /** The integrity failure this process found in the stored list, if any (readiness check). */
  integrityFailure(): string | undefined {
    return this.integrityProblem;
  }

  /**
   * A sealed slot that failed authentication when opened (edited, moved, the wrong key): the
   * list is broken, as the whole-list check at the next start would find. Recorded, notified and
   * blocking once per process, in the caller's transaction, beside the caller's own refusal.
   */
  async reportSlotFailure(manager: EntityManager, problem: string, foundBy: string): Promise<void> {
    if (this.integrityProblem !== undefined) return;
    await this.recordIntegrityFailure(manager, problem, foundBy);
  }

  private async recordIntegrityFailure(
    manager: EntityManager,
    problem: string,
    foundBy: string,
  ): Promise<void> {
    this.integrityProblem = problem;
    this.logger.error(`The stored randomization list failed its integrity check: ${problem}`);
    const entry = await this.audit.record(manager, {
      actor: SYSTEM_ACTOR,
      action: 'LIST_INTEGRITY_FAILED',
      outcome: 'ERROR',
      reason: problem,
    });
    // The admins' notice points to the entry: the problem itself can name a slot's target.
    await this.outbox.enqueueEmail(manager, {
      kind: 'LIST_INTEGRITY_FAILED',
      at: entry.at,
      auditSeq: entry.seq,
      foundBy,
    });
  }

  /**
   * Decrypts every slot, recomputes the commitment and regenerates the list from the seed.
   * Undefined when there is no list or when it is intact (then remembered as checked).
   */
  private async checkWholeList(manager: EntityManager): Promise<string | undefined> {
    let opened: ListExport | undefined;
    try {
      opened = await this.open(manager);
    } catch (error) {
      return (error as Error).message;
    }
    if (!opened) return undefined;
    // The same check as the statistician's offline `list verify`, against the stored commitment;
    // blinded, since its words go to the server log and the audit trail.
    const [problem] = verifyListExport(opened, this.trial, { nameTargets: false }).problems;
    if (problem !== undefined) return problem;
    this.checkedCommitment = opened.commitment;
    return undefined;
  }

  exportList(actor: Actor): Promise<ListExportDto> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<ListExportDto>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'LIST_EXPORT_REFUSED', null, refusal);
        if (!(await this.trials.record(manager, this.trial.protocolId)).lockedAt) {
          return refuse(new NotLockedYet());
        }
        const opened = await this.open(manager);
        if (!opened)
          return refuse(new Conflict('There is no randomization list to export', 'NO_LIST'));
        const exported = await this.audit.record(manager, {
          actor,
          action: 'LIST_EXPORTED',
          outcome: 'SUCCESS',
          details: { commitment: opened.commitment, slots: opened.slots.length, format: 'json' },
        });
        // Signed, with the audit head that includes this export, so that `list verify` can tie
        // who got which slot to the ALLOCATED entries of an authenticated log.
        const auditHead = { entries: exported.seq, headHash: exported.hash };
        // Whether it is a practice list is signed with the rest, so it cannot be stripped unseen.
        const training = this.config.training;
        return {
          ok: { ...signListExport({ ...opened, training, auditHead }, this.signingKey), training },
        };
      }),
    );
  }

  /** After lock: the list as CSV with block numbers and sizes, recorded as LIST_EXPORTED (csv). */
  exportListCsv(actor: Actor): Promise<ListReportDownload> {
    return this.exportListReport(actor, 'csv');
  }

  /** After lock: the printable HTML report, recorded as LIST_EXPORTED (report). */
  exportListReportHtml(actor: Actor): Promise<ListReportDownload> {
    return this.exportListReport(actor, 'report');
  }

  /**
   * Both downloads of the list report: the same refusals as the JSON export, the same audit
   * action (so the blinding register counts them as full-list exposures), with the format in the
   * entry's details. The CSV is deterministic for a locked list, so its signature is too, and the
   * report prints the signature the CSV download carries.
   */
  private exportListReport(actor: Actor, format: 'csv' | 'report'): Promise<ListReportDownload> {
    return unwrap(
      this.uow.write(async (manager): Promise<Outcome<ListReportDownload>> => {
        const refuse = (refusal: Error) =>
          this.audit.recordRefusal(manager, actor, 'LIST_EXPORT_REFUSED', null, refusal);
        const record = await this.trials.record(manager, this.trial.protocolId);
        if (!record.lockedAt) return refuse(new NotLockedYet());
        const list = await this.lists.listOf(manager, this.trial.protocolId);
        const opened = await this.open(manager);
        if (!list || !opened) {
          return refuse(new Conflict('There is no randomization list to export', 'NO_LIST'));
        }
        const allocatedAt = new Map(
          (await this.lists.slotsInOrder(manager, list.id)).map((row) => [
            `${row.stratum}\u0000${row.slot}`,
            row.allocatedAt,
          ]),
        );
        let slots: ListReportSlot[];
        try {
          slots = listReportSlots(
            this.trial,
            opened.seed,
            opened.slots.map((s) => ({
              ...s,
              allocatedAt: allocatedAt.get(`${s.stratum}\u0000${s.slot}`) ?? null,
            })),
          );
        } catch (error) {
          if (!(error instanceof ListReportMismatch)) throw error;
          await this.reportSlotFailure(manager, error.message, 'the list report after lock');
          return refuse(new ListIntegrityFailure(error.message));
        }
        const csv = listCsv(slots, this.trial.randomization.method);
        const csvBytes = Buffer.from(csv, 'utf8');
        const csvSignature = signEd25519(this.signingKey.privateKey, csvBytes).toString('base64');
        const publicKey = publicKeyBase64(this.signingKey.publicKey);
        const entry = await this.audit.record(manager, {
          actor,
          action: 'LIST_EXPORTED',
          outcome: 'SUCCESS',
          details: { commitment: opened.commitment, slots: slots.length, format },
        });
        if (format === 'csv') return { ok: { body: csv, csvSignature, publicKey } };
        const generated = await this.audit.firstEntryOf(manager, 'LIST_GENERATED', 'SUCCESS');
        const source = generated?.details.seedSource;
        const body = listReportHtml({
          trial: this.trial,
          method: opened.method,
          seed: opened.seed,
          nonce: opened.nonce,
          seedSource: source === 'chosen' || source === 'drawn' ? source : null,
          commitment: opened.commitment,
          generatedAt: opened.generatedAt,
          generatedBy: list.generatedBy,
          lockedAt: record.lockedAt,
          madeAt: entry.at,
          madeBy: actor.username,
          auditHead: { entries: entry.seq, headHash: entry.hash },
          slots,
          csvSignature: { publicKey, value: csvSignature, csvSha256: sha256Hex(csvBytes) },
        });
        return { ok: { body, csvSignature, publicKey } };
      }),
    );
  }

  /**
   * Decrypts the whole list into its final export form, with the commitment stored at
   * generation; any edited, moved or wrongly keyed value throws.
   */
  private async open(manager: EntityManager): Promise<ListExport | undefined> {
    const protocolId = this.trial.protocolId;
    const list = await this.lists.listOf(manager, protocolId);
    if (!list) return undefined;
    const rows = await this.lists.slotsInOrder(manager, list.id);
    return {
      trial: this.trial,
      method: list.method,
      seed: this.cipher.decrypt(
        list.seedSealed,
        listSecretAssociatedData(protocolId, list.id, 'seed'),
      ),
      nonce: this.cipher.decrypt(
        list.nonceSealed,
        listSecretAssociatedData(protocolId, list.id, 'nonce'),
      ),
      commitment: list.commitment,
      generatedAt: list.generatedAt,
      slots: rows.map((row) => ({
        slot: row.slot,
        stratum: row.stratum,
        limb: openSlot(this.cipher, protocolId, row),
        participantId: row.participantId,
      })),
    };
  }

  /**
   * The slot an allocated participant holds, opened: its position and target, or a refusal when
   * its sealed target fails authentication (edited, moved, or the wrong key).
   */
  async openAllocation(
    manager: EntityManager,
    participantId: string,
  ): Promise<Outcome<{ slot: number; stratum: string; target: string }>> {
    const slot = await this.lists.slotOf(manager, participantId);
    if (!slot) throw new Error(`Allocated participant ${participantId} has no slot`);
    try {
      return {
        ok: {
          slot: slot.slot,
          stratum: slot.stratum,
          target: openSlot(this.cipher, this.trial.protocolId, slot),
        },
      };
    } catch (error) {
      const rotated = await rotationPastThisServer(manager, this.cipher, error);
      if (rotated) throw rotated;
      if (!(error instanceof BlindingDecryptionError)) throw error;
      await this.reportSlotFailure(
        manager,
        error.message,
        `opening the slot of participant ${participantId}`,
      );
      return {
        refusal: new ListIntegrityFailure(`slot ${slot.slot} of stratum "${slot.stratum}"`),
      };
    }
  }

  // The list's rows as other modules use them, in the caller's transaction (`manager`): they
  // write the slots through these intents only, each one call of the repository, so the
  // allocation path runs the same statements as before.

  /** The list's id and commitment, undefined before the list is generated. */
  header(manager: EntityManager, protocolId: string): Promise<ListHeader | undefined> {
    return this.lists.header(manager, protocolId);
  }

  /** The stored list (the trial's status, the start-up's frozen-definition check), or null. */
  listOf(manager: EntityManager, protocolId: string): Promise<RandomizationListEntity | null> {
    return this.lists.listOf(manager, protocolId);
  }

  /**
   * The lowest free slot of the stratum, after taking the stratum's claim lock on PostgreSQL:
   * the candidate an online allocation opens and then claims with claimSlot.
   */
  nextFreeSlot(
    manager: EntityManager,
    listId: number,
    stratum: string,
  ): Promise<FreeSlot | undefined> {
    return this.lists.nextFreeSlot(manager, listId, stratum);
  }

  /** Gives the slot to the participant; false when the slot was no longer free. */
  claimSlot(
    manager: EntityManager,
    slotId: number,
    participantId: string,
    allocatedAt: string,
  ): Promise<boolean> {
    return this.lists.claimSlot(manager, slotId, participantId, allocatedAt);
  }

  // Downtime envelopes: the slots they reserve, print and claim.

  /** The strata of the list, in the order of their first slot. */
  strata(manager: EntityManager, listId: number): Promise<string[]> {
    return this.lists.strata(manager, listId);
  }

  /** The next `count` free slots of the stratum; the caller holds the stratum's claim lock. */
  freeSlots(
    manager: EntityManager,
    listId: number,
    stratum: string,
    count: number,
  ): Promise<FreeSlot[]> {
    return this.lists.freeSlots(manager, listId, stratum, count);
  }

  /** The sealed slot with this row id (the one a downtime envelope holds). */
  sealedSlot(manager: EntityManager, slotId: number): Promise<FreeSlot | undefined> {
    return this.lists.sealedSlot(manager, slotId);
  }

  /** Gives a slot a downtime envelope holds to the participant; false when it no longer can. */
  claimReservedSlot(
    manager: EntityManager,
    slotId: number,
    participantId: string,
    allocatedAt: string,
  ): Promise<boolean> {
    return this.lists.claimReservedSlot(manager, slotId, participantId, allocatedAt);
  }

  // The training reset (training-reset.service.ts).

  countSlots(manager: EntityManager): Promise<number> {
    return this.lists.countSlots(manager);
  }

  /** Training reset only: every slot, then the list (the triggers refuse it on a clinical database). */
  deleteListForTrainingReset(manager: EntityManager): Promise<void> {
    return this.lists.deleteAll(manager);
  }

  /** Training reset only: this process's memory of the old list goes with it. */
  forgetCheckedList(): void {
    this.checkedCommitment = undefined;
    this.integrityProblem = undefined;
  }
}
