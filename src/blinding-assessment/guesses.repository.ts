import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BlindingGuessEntity, GuesserGroup } from './blinding-guess.entity';

/**
 * The blinding_guesses table, the blinding assessment's one aggregate: append-only (its triggers
 * refuse UPDATE and DELETE outside a practice reset), so there is no method that changes a row.
 * Every method runs in the caller's unit of work.
 */
@Injectable()
export class GuessesRepository {
  /** The guess of this guesser about this participant, if one is recorded. */
  findOne(
    manager: EntityManager,
    participantId: string,
    guesserGroup: GuesserGroup,
    guesser: string,
  ): Promise<BlindingGuessEntity | null> {
    return manager
      .getRepository(BlindingGuessEntity)
      .findOneBy({ participantId, guesserGroup, guesser });
  }

  /** Appends a guess; a second one for the same (participant, group, guesser) breaks a key. */
  async append(manager: EntityManager, guess: Omit<BlindingGuessEntity, 'id'>): Promise<void> {
    // A copy: insert() writes the generated id into the object it is given.
    await manager.getRepository(BlindingGuessEntity).insert({ ...guess });
  }

  /** Every guess, in the order recorded. */
  all(manager: EntityManager): Promise<BlindingGuessEntity[]> {
    return manager.getRepository(BlindingGuessEntity).find({ order: { id: 'ASC' } });
  }

  /** Training reset only (the triggers refuse it on a clinical database). */
  async deleteAll(manager: EntityManager): Promise<void> {
    await manager.createQueryBuilder().delete().from(BlindingGuessEntity).execute();
  }
}
