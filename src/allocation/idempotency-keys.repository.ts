import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** The idempotency_keys table: who used which Idempotency-Key for which allocation. */
@Injectable()
export class IdempotencyKeysRepository {
  find(manager: EntityManager, key: string): Promise<IdempotencyKeyEntity | null> {
    return manager.getRepository(IdempotencyKeyEntity).findOneBy({ key });
  }

  async insert(manager: EntityManager, key: IdempotencyKeyEntity): Promise<void> {
    await manager.getRepository(IdempotencyKeyEntity).insert(key);
  }

  /** Training reset only (the triggers refuse it on a clinical database). */
  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(IdempotencyKeyEntity).execute();
  }
}
