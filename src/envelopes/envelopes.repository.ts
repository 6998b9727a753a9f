import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowLock } from '../database/postgres-locks';
import { execute, selectRow, selectRows } from '../database/sql';

/**
 * The SQL condition of a slot that a downtime envelope holds, outstanding, used or voided. For a
 * query over `slots` that names the table `slots` (the list's repository applies it).
 */
export const RESERVED_BY_ENVELOPE =
  'EXISTS (SELECT 1 FROM downtime_envelopes e WHERE e.slot_id = slots.id)';

/**
 * The one SQL condition that keeps a reserved slot out of online allocation: a slot that any
 * downtime envelope holds is never the next free slot of its stratum (a voided envelope's slot
 * stays consumed: docs/operations.md, "Downtime envelopes").
 */
export const NOT_RESERVED_BY_ENVELOPE = `NOT ${RESERVED_BY_ENVELOPE}`;

/** An envelope as the service reads it: what it is, and where it stands. */
export interface EnvelopeRow {
  id: number;
  number: number;
  listId: number;
  slotId: number;
  stratum: string;
  issuedAt: string;
  issuedBy: string;
  codeHash: string | null;
  printedAt: string | null;
  printedBy: string | null;
  printCount: number;
  participantId: string | null;
  openedAt: string | null;
  usedAt: string | null;
  usedBy: string | null;
  voidedAt: string | null;
}

const ENVELOPE_COLUMNS =
  'id, number, list_id AS "listId", slot_id AS "slotId", stratum, issued_at AS "issuedAt", ' +
  'issued_by AS "issuedBy", code_hash AS "codeHash", printed_at AS "printedAt", ' +
  'printed_by AS "printedBy", print_count AS "printCount", participant_id AS "participantId", ' +
  'opened_at AS "openedAt", used_at AS "usedAt", used_by AS "usedBy", voided_at AS "voidedAt"';

const OUTSTANDING = 'used_at IS NULL AND voided_at IS NULL';

/**
 * Data access of downtime envelopes (issue 15 item 2): the downtime_envelopes table, and the
 * wrong opening codes counted against each (envelope_code_failures). The slots an envelope
 * reserves and claims are the list's (RandomizationService: freeSlots, sealedSlot,
 * claimReservedSlot), the participant's mark the participants' (ParticipantsService.markAllocated).
 */
@Injectable()
export class EnvelopesRepository {
  async nextNumber(manager: EntityManager): Promise<number> {
    const row = await selectRow<{ last: number | string | null }>(
      manager,
      'SELECT MAX(number) AS last FROM downtime_envelopes',
    );
    return Number(row?.last ?? 0) + 1;
  }

  async insert(
    manager: EntityManager,
    envelope: Pick<
      EnvelopeRow,
      'number' | 'listId' | 'slotId' | 'stratum' | 'issuedAt' | 'issuedBy'
    >,
  ): Promise<void> {
    await execute(
      manager,
      'INSERT INTO downtime_envelopes (number, list_id, slot_id, stratum, issued_at, issued_by) ' +
        'VALUES (:number, :listId, :slotId, :stratum, :issuedAt, :issuedBy)',
      envelope,
    );
  }

  /** One envelope; on PostgreSQL its row locked, so two recordings of it take turns. */
  byNumber(manager: EntityManager, envelopeNumber: number): Promise<EnvelopeRow | undefined> {
    return selectRow<EnvelopeRow>(
      manager,
      `SELECT ${ENVELOPE_COLUMNS} FROM downtime_envelopes WHERE number = :envelopeNumber` +
        rowLock(manager, 'FOR UPDATE'),
      { envelopeNumber },
    );
  }

  all(manager: EntityManager): Promise<EnvelopeRow[]> {
    return selectRows<EnvelopeRow>(
      manager,
      `SELECT ${ENVELOPE_COLUMNS} FROM downtime_envelopes ORDER BY number`,
    );
  }

  /** A new printing: the new code's hash replaces the earlier one. Returns the rows changed. */
  recordPrinting(
    manager: EntityManager,
    id: number,
    codeHash: string,
    printedAt: string,
    printedBy: string,
  ): Promise<number> {
    return execute(
      manager,
      'UPDATE downtime_envelopes SET code_hash = :codeHash, printed_at = :printedAt, ' +
        `printed_by = :printedBy, print_count = print_count + 1 WHERE id = :id AND ${OUTSTANDING}`,
      { id, codeHash, printedAt, printedBy },
    );
  }

  /** How many envelopes of the stratum are outstanding: slots held, neither used nor voided. */
  async countOutstanding(manager: EntityManager, listId: number, stratum: string): Promise<number> {
    const row = await selectRow<{ n: number | string }>(
      manager,
      'SELECT COUNT(*) AS n FROM downtime_envelopes WHERE list_id = :listId AND stratum = :stratum ' +
        `AND ${OUTSTANDING}`,
      { listId, stratum },
    );
    return Number(row?.n ?? 0);
  }

  /** How many outstanding envelopes of the stratum have a lower number (0: opened in order). */
  async outstandingBefore(manager: EntityManager, envelope: EnvelopeRow): Promise<number> {
    const row = await selectRow<{ n: number | string }>(
      manager,
      'SELECT COUNT(*) AS n FROM downtime_envelopes WHERE list_id = :listId AND stratum = :stratum ' +
        `AND number < :number AND ${OUTSTANDING}`,
      envelope,
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Marks the envelope used for the participant, only while it is still outstanding; false when
   * it was not. The slot's claim and the participant's mark are their repositories' writes
   * (claimReservedSlot, markAllocated), in the same transaction.
   */
  async markUsed(
    manager: EntityManager,
    id: number,
    use: { participantId: string; openedAt: string; usedAt: string; usedBy: string },
  ): Promise<boolean> {
    const used = await execute(
      manager,
      'UPDATE downtime_envelopes SET participant_id = :participantId, opened_at = :openedAt, ' +
        `used_at = :usedAt, used_by = :usedBy WHERE id = :id AND ${OUTSTANDING}`,
      { id, ...use },
    );
    return used === 1;
  }

  /** The times (ms) of the wrong opening codes typed for the envelope after `since`. */
  async codeFailuresSince(
    manager: EntityManager,
    envelopeId: number,
    since: string,
  ): Promise<number[]> {
    const rows = await selectRows<{ failedAt: string }>(
      manager,
      'SELECT failed_at AS "failedAt" FROM envelope_code_failures ' +
        'WHERE envelope_id = :envelopeId AND failed_at > :since',
      { envelopeId, since },
    );
    return rows.map((row) => Date.parse(row.failedAt));
  }

  /** Counts a wrong opening code, and drops the failures of every envelope that left the window. */
  async recordCodeFailure(
    manager: EntityManager,
    envelopeId: number,
    failedAt: string,
    windowStart: string,
  ): Promise<void> {
    await execute(manager, 'DELETE FROM envelope_code_failures WHERE failed_at <= :windowStart', {
      windowStart,
    });
    await execute(
      manager,
      'INSERT INTO envelope_code_failures (envelope_id, failed_at) VALUES (:envelopeId, :failedAt)',
      { envelopeId, failedAt },
    );
  }

  /**
   * Voids one envelope, only while it is still outstanding (lost, damaged or its seal broken
   * before the lock); false when it was not. Its slot stays held, as at the lock.
   */
  async voidOne(manager: EntityManager, id: number, voidedAt: string): Promise<boolean> {
    const voided = await execute(
      manager,
      `UPDATE downtime_envelopes SET voided_at = :voidedAt WHERE id = :id AND ${OUTSTANDING}`,
      { id, voidedAt },
    );
    return voided === 1;
  }

  /** Voids every outstanding envelope (at the study lock); returns their numbers. */
  async voidOutstanding(manager: EntityManager, voidedAt: string): Promise<number[]> {
    const rows = await selectRows<{ number: number }>(
      manager,
      `SELECT number FROM downtime_envelopes WHERE ${OUTSTANDING} ORDER BY number`,
    );
    if (rows.length === 0) return [];
    await execute(
      manager,
      `UPDATE downtime_envelopes SET voided_at = :voidedAt WHERE ${OUTSTANDING}`,
      { voidedAt },
    );
    return rows.map((row) => row.number);
  }

  /** A practice instance's reset: its envelopes go with the list (training triggers allow it). */
  async deleteAll(manager: EntityManager): Promise<number> {
    await execute(manager, 'DELETE FROM envelope_code_failures');
    return execute(manager, 'DELETE FROM downtime_envelopes');
  }
}
