import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseUpdateAndDeleteOutsideTraining } from './append-only';

/**
 * Guesses of the allocation for the blinding assessment (issue 16 item 4): one row per
 * participant, guesser group and guesser (unique), never updated, deleted only by the reset of a
 * practice instance. The same statements on SQLite and PostgreSQL; the triggers branch in
 * append-only.ts.
 */
export class BlindingGuesses1764000009500 implements MigrationInterface {
  name = 'BlindingGuesses1764000009500';

  async up(runner: QueryRunner): Promise<void> {
    const autoId =
      runner.connection.driver.options.type === 'postgres'
        ? 'integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY'
        : 'integer PRIMARY KEY AUTOINCREMENT';
    await runner.query(`
      CREATE TABLE blinding_guesses (
        id ${autoId},
        participant_id varchar(64) NOT NULL REFERENCES participants (participant_id),
        guesser_group varchar(16) NOT NULL,
        guesser varchar(64) NOT NULL,
        guess varchar(64) NOT NULL,
        recorded_at varchar(30) NOT NULL,
        recorded_by varchar(64) NOT NULL,
        CONSTRAINT blinding_guesses_one_each UNIQUE (participant_id, guesser_group, guesser)
      )`);
    await refuseUpdateAndDeleteOutsideTraining(runner, 'blinding_guesses');
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
