import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnblindingReviewEntity } from './unblinding-review.entity';

/** The unblinding_reviews table: the second person's review of each emergency unblinding. */
@Injectable()
export class UnblindingReviewsRepository {
  reviewOf(manager: EntityManager, participantId: string): Promise<UnblindingReviewEntity | null> {
    return manager.getRepository(UnblindingReviewEntity).findOneBy({ participantId });
  }

  all(manager: EntityManager): Promise<UnblindingReviewEntity[]> {
    return manager.getRepository(UnblindingReviewEntity).find();
  }

  async insert(manager: EntityManager, review: Omit<UnblindingReviewEntity, 'id'>): Promise<void> {
    // A copy: insert() writes the generated row id into the object it is given.
    await manager.getRepository(UnblindingReviewEntity).insert({ ...review });
  }

  /** Training reset only (the triggers refuse it on a clinical database). */
  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(UnblindingReviewEntity).execute();
  }
}
