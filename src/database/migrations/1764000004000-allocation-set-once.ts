import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseChangeOnceSet } from './append-only';

/**
 * An allocation, once made, cannot be moved: a claimed slot keeps its participant and time, and a
 * participant keeps the time and pharmacist of its allocation, whoever holds the database file.
 */
export class AllocationSetOnce1764000004000 implements MigrationInterface {
  name = 'AllocationSetOnce1764000004000';

  async up(runner: QueryRunner): Promise<void> {
    await refuseChangeOnceSet(runner, 'slots', 'participant_id', [
      'participant_id',
      'allocated_at',
    ]);
    await refuseChangeOnceSet(runner, 'participants', 'allocated_at', [
      'allocated_at',
      'allocated_by',
    ]);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
