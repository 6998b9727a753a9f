import { MigrationInterface, QueryRunner } from 'typeorm';

/** Participants and the idempotency keys of allocation requests. */
export class Participants1764000002000 implements MigrationInterface {
  name = 'Participants1764000002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE participants (
        participant_id varchar(64) PRIMARY KEY,
        number integer NOT NULL UNIQUE,
        screening_number varchar(64) NOT NULL UNIQUE,
        age integer NOT NULL,
        stratum varchar(200) NOT NULL,
        eligibility text NOT NULL,
        registered_at varchar(30) NOT NULL,
        registered_by varchar(64) NOT NULL,
        allocated_at varchar(30),
        allocated_by varchar(64),
        unblinded_at varchar(30),
        unblinded_by varchar(64),
        unblinding_reason text
      )`);
    await runner.query(`
      CREATE TABLE idempotency_keys (
        key varchar(128) PRIMARY KEY,
        username varchar(64) NOT NULL,
        participant_id varchar(64) NOT NULL REFERENCES participants (participant_id),
        created_at varchar(30) NOT NULL
      )`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
