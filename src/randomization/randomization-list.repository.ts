import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { advisoryXactLock, stratumLockKey } from '../database/postgres-locks';
import { execute, selectRow, selectRows } from '../database/sql';
import { NOT_RESERVED_BY_ENVELOPE, RESERVED_BY_ENVELOPE } from '../envelopes/envelopes.repository';
import { RandomizationListEntity } from './randomization-list.entity';
import { SealedSlot } from './sealing';
import { SlotEntity } from './slot.entity';

/** A free slot as the allocation path reads it: sealed, with its row id for the claim. */
export type FreeSlot = SealedSlot & Pick<SlotEntity, 'id'>;

/** What an allocation needs of the list: its id and commitment (checked once per process). */
export interface ListHeader {
  listId: number;
  commitment: string;
}

const INSERT_CHUNK = 500;

// Plain SQL on the allocation path: TypeORM's query building costs more than these queries.
const SELECT_HEADER =
  'SELECT id AS "listId", commitment FROM randomization_lists WHERE protocol_id = :protocolId';
/**
 * The next free slot of the stratum: the lowest position neither claimed nor reserved by a
 * downtime envelope.
 */
const SELECT_FREE_SLOT =
  'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots ' +
  `WHERE list_id = :listId AND stratum = :stratum AND participant_id IS NULL AND ${NOT_RESERVED_BY_ENVELOPE} ` +
  'ORDER BY slot LIMIT 1';
/** The conditional claim: it matches one row, and only while that row is still free. */
const CLAIM_SLOT =
  'UPDATE slots SET participant_id = :participantId, allocated_at = :allocatedAt ' +
  'WHERE id = :id AND participant_id IS NULL';

/** The sealed slot of a row id, with its id (an envelope's slot). */
const SELECT_SLOT_BY_ID =
  'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots WHERE id = :id';
/** The next `count` free slots of the stratum, as SELECT_FREE_SLOT reads the first. */
const SELECT_FREE_SLOTS =
  'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots ' +
  `WHERE list_id = :listId AND stratum = :stratum AND participant_id IS NULL AND ${NOT_RESERVED_BY_ENVELOPE} ` +
  'ORDER BY slot LIMIT :count';
const SELECT_STRATA =
  'SELECT stratum, MIN(id) AS first FROM slots WHERE list_id = :listId GROUP BY stratum ORDER BY MIN(id)';
/**
 * The claim of a slot a downtime envelope holds: like CLAIM_SLOT, and only while an envelope
 * still reserves it, so an online slot can never be taken this way.
 */
const CLAIM_RESERVED_SLOT =
  'UPDATE slots SET participant_id = :participantId, allocated_at = :allocatedAt ' +
  `WHERE id = :id AND participant_id IS NULL AND ${RESERVED_BY_ENVELOPE}`;

/** A list's sealed seed and nonce, with what their associated data names (key rotation). */
export type SealedListSecrets = Pick<
  RandomizationListEntity,
  'id' | 'protocolId' | 'seedSealed' | 'nonceSealed'
>;

/** A slot's sealed target with its row id, to re-seal it in place (key rotation). */
export type SealedTarget = SealedSlot & Pick<SlotEntity, 'id'>;

// Key rotation: every sealed value, read once and written back one row at a time. Plain SQL:
// a rotation re-seals every slot in one transaction. The UPDATEs name the sealed columns only:
// the triggers (KeyRotation1764000008400) refuse any other column, and these too unless the
// transaction holds the key_rotation_in_progress row (KeyChecksRepository.whileRotating).
const SELECT_SEALED_LIST_SECRETS =
  'SELECT id, protocol_id AS "protocolId", seed_sealed AS "seedSealed", nonce_sealed AS "nonceSealed" ' +
  'FROM randomization_lists ORDER BY id';
const SELECT_SEALED_TARGETS =
  'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots ' +
  'WHERE list_id = :listId ORDER BY id';
const RESEAL_LIST_SECRETS =
  'UPDATE randomization_lists SET seed_sealed = :seedSealed, nonce_sealed = :nonceSealed WHERE id = :id';
const RESEAL_TARGET = 'UPDATE slots SET target_sealed = :targetSealed WHERE id = :id';

/** The randomization_lists and slots tables: the trial's one list, sealed slot by slot. */
@Injectable()
export class RandomizationListRepository {
  listOf(manager: EntityManager, protocolId: string): Promise<RandomizationListEntity | null> {
    return manager.getRepository(RandomizationListEntity).findOneBy({ protocolId });
  }

  exists(manager: EntityManager, protocolId: string): Promise<boolean> {
    return manager.getRepository(RandomizationListEntity).existsBy({ protocolId });
  }

  /** The list's id and commitment, undefined before the list is generated. */
  header(manager: EntityManager, protocolId: string): Promise<ListHeader | undefined> {
    return selectRow<ListHeader>(manager, SELECT_HEADER, { protocolId });
  }

  /** Stores a generated list and its sealed slots, in chunks (SQLite's parameter limit). */
  async insert(
    manager: EntityManager,
    list: RandomizationListEntity,
    slots: Omit<SlotEntity, 'id'>[],
  ): Promise<void> {
    await manager.getRepository(RandomizationListEntity).insert(list);
    for (let start = 0; start < slots.length; start += INSERT_CHUNK) {
      await manager.getRepository(SlotEntity).insert(slots.slice(start, start + INSERT_CHUNK));
    }
  }

  /** Every slot of the list in the order it was stored. */
  slotsInOrder(manager: EntityManager, listId: number): Promise<SlotEntity[]> {
    return manager.getRepository(SlotEntity).find({ where: { listId }, order: { id: 'ASC' } });
  }

  /** The slot a participant holds, null when it holds none. */
  slotOf(manager: EntityManager, participantId: string): Promise<SlotEntity | null> {
    return manager.getRepository(SlotEntity).findOneBy({ participantId });
  }

  countSlots(manager: EntityManager): Promise<number> {
    return manager.getRepository(SlotEntity).count();
  }

  /**
   * The lowest free slot of the stratum, after taking the stratum's claim lock on PostgreSQL:
   * claims in one stratum take turns, so the slot read here is still free at the claim, and a
   * claim rolled back leaves it the lowest for the next. (SQLite: the write lock covers it.)
   */
  async nextFreeSlot(
    manager: EntityManager,
    listId: number,
    stratum: string,
  ): Promise<FreeSlot | undefined> {
    await advisoryXactLock(manager, stratumLockKey(listId, stratum));
    return selectRow<FreeSlot>(manager, SELECT_FREE_SLOT, { listId, stratum });
  }

  /** Gives the slot to the participant; false when the slot was no longer free. */
  async claimSlot(
    manager: EntityManager,
    slotId: number,
    participantId: string,
    allocatedAt: string,
  ): Promise<boolean> {
    const claimed = await execute(manager, CLAIM_SLOT, { id: slotId, participantId, allocatedAt });
    return claimed === 1;
  }

  /** The strata of the list, in the order of their first slot. */
  async strata(manager: EntityManager, listId: number): Promise<string[]> {
    const rows = await selectRows<{ stratum: string }>(manager, SELECT_STRATA, { listId });
    return rows.map((row) => row.stratum);
  }

  /**
   * The next `count` free slots of the stratum, lowest first, for downtime envelopes to reserve.
   * The caller holds the stratum's claim lock (nextFreeSlot's), so no claim moves them meanwhile.
   */
  freeSlots(
    manager: EntityManager,
    listId: number,
    stratum: string,
    count: number,
  ): Promise<FreeSlot[]> {
    return selectRows<FreeSlot>(manager, SELECT_FREE_SLOTS, { listId, stratum, count });
  }

  /** The sealed slot with this row id (the one a downtime envelope holds). */
  sealedSlot(manager: EntityManager, slotId: number): Promise<FreeSlot | undefined> {
    return selectRow<FreeSlot>(manager, SELECT_SLOT_BY_ID, { id: slotId });
  }

  /**
   * Gives a slot that a downtime envelope holds to the participant (an offline allocation);
   * false when the slot was no longer free, or no envelope reserves it.
   */
  async claimReservedSlot(
    manager: EntityManager,
    slotId: number,
    participantId: string,
    allocatedAt: string,
  ): Promise<boolean> {
    const claimed = await execute(manager, CLAIM_RESERVED_SLOT, {
      id: slotId,
      participantId,
      allocatedAt,
    });
    return claimed === 1;
  }

  /** Training reset only: every slot, then the list (the triggers refuse it on a clinical database). */
  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(SlotEntity).execute();
    await manager.createQueryBuilder().delete().from(RandomizationListEntity).execute();
  }

  // Key rotation (list-resealing.ts), inside the rotation path only.

  /** Every list's sealed seed and nonce, in id order. */
  async sealedListSecrets(manager: EntityManager): Promise<SealedListSecrets[]> {
    const rows = await selectRows<SealedListSecrets>(manager, SELECT_SEALED_LIST_SECRETS);
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  /** Every slot's sealed target of the list, in the order stored. */
  async sealedTargets(manager: EntityManager, listId: number): Promise<SealedTarget[]> {
    const rows = await selectRows<SealedTarget>(manager, SELECT_SEALED_TARGETS, { listId });
    return rows.map((row) => ({
      ...row,
      id: Number(row.id),
      listId: Number(row.listId),
      slot: Number(row.slot),
    }));
  }

  /** Replaces the list's sealed seed and nonce; returns the rows changed (1, or 0: no such list). */
  resealListSecrets(
    manager: EntityManager,
    listId: number,
    sealed: Pick<RandomizationListEntity, 'seedSealed' | 'nonceSealed'>,
  ): Promise<number> {
    return execute(manager, RESEAL_LIST_SECRETS, { id: listId, ...sealed });
  }

  /** Replaces the slot's sealed target; returns the rows changed (1, or 0: no such slot). */
  resealTarget(manager: EntityManager, slotId: number, targetSealed: string): Promise<number> {
    return execute(manager, RESEAL_TARGET, { id: slotId, targetSealed });
  }
}
