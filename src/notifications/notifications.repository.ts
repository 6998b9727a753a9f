import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isPostgres } from '../database/postgres-locks';
import { selectRow } from '../database/sql';
import { NotificationEntity } from './notification.entity';

/** The outbox's backlog: how many notices are pending, and since when the oldest. */
export interface OutboxBacklog {
  pending: number;
  /** The oldest pending notice's creation time; null when none is pending. */
  oldestAt: string | null;
}

// Pending means neither delivered nor given up. One aggregate over the table, read at each scrape.
const SELECT_BACKLOG =
  'SELECT COUNT(*) AS pending, MIN(created_at) AS "oldestAt" FROM notifications ' +
  'WHERE delivered_at IS NULL AND failed_at IS NULL';

/** The notifications table: the outbox the worker delivers from. */
@Injectable()
export class NotificationsRepository {
  async insert(manager: EntityManager, notice: Omit<NotificationEntity, 'id'>): Promise<void> {
    await manager.getRepository(NotificationEntity).insert(notice);
  }

  /**
   * The oldest notice due at `now` and not leased. With `claim`, on PostgreSQL, its row is locked
   * and one another process is leasing is passed over (FOR UPDATE SKIP LOCKED), so that each
   * notice goes out once; SQLite's write lock serialises the claims.
   */
  nextDue(manager: EntityManager, now: Date, claim: boolean): Promise<NotificationEntity | null> {
    const query = manager
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.delivered_at IS NULL AND n.failed_at IS NULL')
      .andWhere('n.next_attempt_at <= :now', { now: now.toISOString() })
      .andWhere('(n.lease_until IS NULL OR n.lease_until < :now)', { now: now.toISOString() })
      .orderBy('n.id', 'ASC');
    if (claim && isPostgres(manager)) query.setLock('pessimistic_write').setOnLocked('skip_locked');
    return query.getOne();
  }

  /** Stores a notice's delivery state (lease, attempts, outcome). */
  async save(manager: EntityManager, notice: NotificationEntity): Promise<void> {
    await manager.getRepository(NotificationEntity).save(notice);
  }

  /** The backlog the metrics report (outbox gauges), in the caller's read. */
  async backlog(manager: EntityManager): Promise<OutboxBacklog> {
    const row = await selectRow<{ pending: number | string; oldestAt: string | null }>(
      manager,
      SELECT_BACKLOG,
    );
    // PostgreSQL answers COUNT(*) as a bigint string.
    return { pending: Number(row?.pending ?? 0), oldestAt: row?.oldestAt ?? null };
  }

  /** Every notice of a kind (the unblinding register shows each emergency's notices). */
  ofKind(manager: EntityManager, kind: string): Promise<NotificationEntity[]> {
    return manager.getRepository(NotificationEntity).findBy({ kind });
  }

  /** Training reset only: the notices about participants (the triggers refuse it on a clinical database). */
  async deleteParticipantNotices(manager: EntityManager): Promise<void> {
    await manager
      .createQueryBuilder()
      .delete()
      .from(NotificationEntity)
      .where('participant_id IS NOT NULL')
      .execute();
  }
}
