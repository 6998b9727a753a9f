import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A secret salt in each blinding guess's row, hashed with it into `recordSha256` of its audit
 * entry: without it a monitor could recompute the hash for each of the three answers (every other
 * field is in the entry, the time within milliseconds of `at`) and read every guess off the log.
 * Null for a row recorded before this migration (hashed without a salt). Adding a column fires no
 * UPDATE trigger; the same statement on SQLite and PostgreSQL.
 */
export class BlindingGuessSalt1764000009600 implements MigrationInterface {
  name = 'BlindingGuessSalt1764000009600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE blinding_guesses ADD COLUMN record_salt varchar(64)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
