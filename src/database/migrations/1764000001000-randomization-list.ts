import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseColumnUpdateAndDelete, refuseUpdateAndDelete } from './append-only';

/** The randomization list and its sealed slots. */
export class RandomizationList1764000001000 implements MigrationInterface {
  name = 'RandomizationList1764000001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE randomization_lists (
        id integer PRIMARY KEY,
        protocol_id varchar(64) NOT NULL UNIQUE REFERENCES trials (protocol_id),
        method varchar(32) NOT NULL,
        commitment varchar(64) NOT NULL,
        seed_sealed text NOT NULL,
        nonce_sealed text NOT NULL,
        definition_hash varchar(64) NOT NULL,
        generated_at varchar(30) NOT NULL,
        generated_by varchar(64) NOT NULL
      )`);
    await refuseUpdateAndDelete(runner, 'randomization_lists');

    const autoId =
      runner.connection.driver.options.type === 'postgres'
        ? 'integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY'
        : 'integer PRIMARY KEY AUTOINCREMENT';
    await runner.query(`
      CREATE TABLE slots (
        id ${autoId},
        list_id integer NOT NULL REFERENCES randomization_lists (id),
        stratum varchar(200) NOT NULL,
        slot integer NOT NULL,
        target_sealed text NOT NULL,
        participant_id varchar(64) UNIQUE,
        allocated_at varchar(30),
        UNIQUE (list_id, stratum, slot)
      )`);
    // The next free slot of a stratum is found through this index.
    await runner.query(`CREATE INDEX slots_free ON slots (list_id, stratum, participant_id, slot)`);
    await refuseColumnUpdateAndDelete(runner, 'slots', [
      'list_id',
      'stratum',
      'slot',
      'target_sealed',
    ]);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
