import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { rowLock } from '../database/postgres-locks';
import { execute, selectRow, selectRows } from '../database/sql';
import { SealedSlot } from '../randomization/sealing';

/**
 * The one SQL condition that keeps a reserved slot out of online allocation: a slot that any
 * downtime envelope holds, outstanding, used or voided, is never the next free slot of its
 * stratum (a voided envelope's slot stays consumed: docs/operations.md, "Downtime envelopes").
 * For a query over `slots` that names the table `slots`.
 */
export const NOT_RESERVED_BY_ENVELOPE =
  'NOT EXISTS (SELECT 1 FROM downtime_envelopes e WHERE e.slot_id = slots.id)';

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

/** A free slot, with what opening it needs. */
export type ReservableSlot = SealedSlot & { id: number };

const ENVELOPE_COLUMNS =
  'id, number, list_id AS "listId", slot_id AS "slotId", stratum, issued_at AS "issuedAt", ' +
  'issued_by AS "issuedBy", code_hash AS "codeHash", printed_at AS "printedAt", ' +
  'printed_by AS "printedBy", print_count AS "printCount", participant_id AS "participantId", ' +
  'opened_at AS "openedAt", used_at AS "usedAt", used_by AS "usedBy", voided_at AS "voidedAt"';

const OUTSTANDING = 'used_at IS NULL AND voided_at IS NULL';

/**
 * Data access of downtime envelopes (issue 15 item 2): the downtime_envelopes table, and the two
 * writes an offline allocation makes to its slot and participant, which are the same writes as
 * the online claim's (allocation.service.ts) and belong with them in the slots' repository.
 */
@Injectable()
export class EnvelopesRepository {
  /** The strata of the list, in the order of their first slot. */
  async strata(manager: EntityManager, listId: number): Promise<string[]> {
    const rows = await selectRows<{ stratum: string }>(
      manager,
      'SELECT stratum, MIN(id) AS first FROM slots WHERE list_id = :listId GROUP BY stratum ORDER BY MIN(id)',
      { listId },
    );
    return rows.map((row) => row.stratum);
  }

  /** The next `count` slots of the stratum that neither a participant nor an envelope holds. */
  freeSlots(
    manager: EntityManager,
    listId: number,
    stratum: string,
    count: number,
  ): Promise<ReservableSlot[]> {
    return selectRows<ReservableSlot>(
      manager,
      'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots ' +
        `WHERE list_id = :listId AND stratum = :stratum AND participant_id IS NULL AND ${NOT_RESERVED_BY_ENVELOPE} ` +
        'ORDER BY slot LIMIT :count',
      { listId, stratum, count },
    );
  }

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

  /** The sealed slot an envelope holds. */
  async slotOf(manager: EntityManager, envelope: EnvelopeRow): Promise<ReservableSlot> {
    const slot = await selectRow<ReservableSlot>(
      manager,
      'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots WHERE id = :id',
      { id: envelope.slotId },
    );
    if (!slot) throw new Error(`Envelope ${envelope.number} points at no slot`);
    return slot;
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
   * The offline allocation's writes, each conditional so that it matches one row only while it
   * is still free: the envelope used, its slot claimed, the participant allocated. Returns
   * whether all three took.
   */
  async recordUse(
    manager: EntityManager,
    envelope: EnvelopeRow,
    use: { participantId: string; openedAt: string; usedAt: string; usedBy: string },
  ): Promise<boolean> {
    const used = await execute(
      manager,
      'UPDATE downtime_envelopes SET participant_id = :participantId, opened_at = :openedAt, ' +
        `used_at = :usedAt, used_by = :usedBy WHERE id = :id AND ${OUTSTANDING}`,
      { id: envelope.id, ...use },
    );
    const claimed = await execute(
      manager,
      'UPDATE slots SET participant_id = :participantId, allocated_at = :openedAt ' +
        'WHERE id = :slotId AND participant_id IS NULL',
      { slotId: envelope.slotId, participantId: use.participantId, openedAt: use.openedAt },
    );
    const marked = await execute(
      manager,
      'UPDATE participants SET allocated_at = :openedAt, allocated_by = :usedBy ' +
        'WHERE participant_id = :participantId AND allocated_at IS NULL',
      use,
    );
    return used === 1 && claimed === 1 && marked === 1;
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
    return execute(manager, 'DELETE FROM downtime_envelopes');
  }
}
