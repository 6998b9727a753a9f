import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isPostgres } from '../database/postgres-locks';
import { NotificationEntity } from './notification.entity';

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
