import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, Not } from 'typeorm';
import { isPostgres, rowLock } from '../database/postgres-locks';
import { execute, selectRow } from '../database/sql';
import { ParticipantEntity } from './participant.entity';

/** What the allocation path needs of a participant, read with plain SQL (see below). */
export type AllocationState = Pick<
  ParticipantEntity,
  'participantId' | 'stratum' | 'allocatedAt' | 'withdrawnAt'
>;

/** The fields a registration correction may change. */
export type CorrectableFields = Partial<
  Pick<ParticipantEntity, 'screeningNumber' | 'age' | 'eligibility' | 'stratum'>
>;

// Plain SQL on the allocation path: TypeORM's query building costs more than these queries.
const SELECT_ALLOCATION_STATE =
  'SELECT participant_id AS "participantId", stratum, allocated_at AS "allocatedAt", ' +
  'withdrawn_at AS "withdrawnAt" ' +
  'FROM participants WHERE participant_id = :participantId';
const MARK_ALLOCATED =
  'UPDATE participants SET allocated_at = :allocatedAt, allocated_by = :username ' +
  'WHERE participant_id = :participantId AND allocated_at IS NULL';

/**
 * The participants table: registrations, their corrections and withdrawals, and the columns the
 * allocation and the emergency unblinding record on a participant (when and by whom, never what).
 */
@Injectable()
export class ParticipantsRepository {
  findById(manager: EntityManager, participantId: string): Promise<ParticipantEntity | null> {
    return manager.getRepository(ParticipantEntity).findOneBy({ participantId });
  }

  /** The participant's row, held FOR UPDATE on PostgreSQL against an allocation in flight. */
  lockById(manager: EntityManager, participantId: string): Promise<ParticipantEntity | null> {
    const repository = manager.getRepository(ParticipantEntity);
    return isPostgres(manager)
      ? repository.findOne({ where: { participantId }, lock: { mode: 'pessimistic_write' } })
      : repository.findOneBy({ participantId });
  }

  /**
   * The participant's row, held FOR SHARE on PostgreSQL until the caller's transaction ends, so
   * that an unblinding in flight either commits before the read or waits for the caller.
   */
  lockByIdShared(manager: EntityManager, participantId: string): Promise<ParticipantEntity | null> {
    const repository = manager.getRepository(ParticipantEntity);
    return isPostgres(manager)
      ? repository.findOne({ where: { participantId }, lock: { mode: 'pessimistic_read' } })
      : repository.findOneBy({ participantId });
  }

  /**
   * The allocation's view of a participant, its row held FOR UPDATE on PostgreSQL, so that a
   * second allocation of the same participant waits and then sees it allocated.
   */
  allocationStateForUpdate(
    manager: EntityManager,
    participantId: string,
  ): Promise<AllocationState | undefined> {
    return selectRow<AllocationState>(
      manager,
      SELECT_ALLOCATION_STATE + rowLock(manager, 'FOR UPDATE'),
      { participantId },
    );
  }

  /** Records the allocation on the participant; false when it was already allocated. */
  async markAllocated(
    manager: EntityManager,
    participantId: string,
    allocatedAt: string,
    username: string,
  ): Promise<boolean> {
    const marked = await execute(manager, MARK_ALLOCATED, { participantId, allocatedAt, username });
    return marked === 1;
  }

  /** Records an emergency unblinding (who, when, why; never what) on the participant. */
  async markUnblinded(
    manager: EntityManager,
    participantId: string,
    unblinding: Pick<ParticipantEntity, 'unblindedAt' | 'unblindedBy' | 'unblindingReason'>,
  ): Promise<void> {
    await manager.getRepository(ParticipantEntity).update({ participantId }, unblinding);
  }

  async markWithdrawn(
    manager: EntityManager,
    participantId: string,
    withdrawal: Pick<ParticipantEntity, 'withdrawnAt' | 'withdrawnBy' | 'withdrawalReason'>,
  ): Promise<void> {
    await manager.getRepository(ParticipantEntity).update({ participantId }, withdrawal);
  }

  /**
   * Writes the corrected fields only: SQLite's guard of an allocated participant's stratum fires
   * on any UPDATE that names the column, changed or not.
   */
  async correct(
    manager: EntityManager,
    participantId: string,
    changed: CorrectableFields,
  ): Promise<void> {
    await manager.getRepository(ParticipantEntity).update({ participantId }, changed);
  }

  countRegistered(manager: EntityManager): Promise<number> {
    return manager.getRepository(ParticipantEntity).count();
  }

  countAllocated(manager: EntityManager): Promise<number> {
    return manager.getRepository(ParticipantEntity).countBy({ allocatedAt: Not(IsNull()) });
  }

  countUnblinded(manager: EntityManager): Promise<number> {
    return manager.getRepository(ParticipantEntity).countBy({ unblindedAt: Not(IsNull()) });
  }

  isScreeningNumberTaken(manager: EntityManager, screeningNumber: string): Promise<boolean> {
    return manager.getRepository(ParticipantEntity).existsBy({ screeningNumber });
  }

  /** The highest participant number given so far (0 before the first registration). */
  async lastNumber(manager: EntityManager): Promise<number> {
    const last = await manager
      .getRepository(ParticipantEntity)
      .find({ order: { number: 'DESC' }, take: 1 });
    return last[0]?.number ?? 0;
  }

  async insert(manager: EntityManager, participant: ParticipantEntity): Promise<void> {
    await manager.getRepository(ParticipantEntity).insert(participant);
  }

  /** Every participant in registration order, or only the one with `screeningNumber` (unique). */
  list(
    manager: EntityManager,
    filter: { screeningNumber?: string } = {},
  ): Promise<ParticipantEntity[]> {
    return manager.getRepository(ParticipantEntity).find({
      where:
        filter.screeningNumber === undefined ? {} : { screeningNumber: filter.screeningNumber },
      order: { number: 'ASC' },
    });
  }

  /** Every unblinded participant, first unblinded first. */
  listUnblinded(manager: EntityManager): Promise<ParticipantEntity[]> {
    return manager
      .getRepository(ParticipantEntity)
      .find({ where: { unblindedAt: Not(IsNull()) }, order: { unblindedAt: 'ASC' } });
  }

  /** Training reset only (the triggers refuse it on a clinical database). */
  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(ParticipantEntity).execute();
  }
}
