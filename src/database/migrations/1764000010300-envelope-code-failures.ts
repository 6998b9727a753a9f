import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wrong opening codes typed for a downtime envelope, counted so that an envelope refuses further
 * attempts after a few within a window (envelopes.service.ts, docs/operations.md "Downtime
 * envelopes"). In the database, like the password failures, so that every server process on it
 * counts the same window. A row holds the envelope and the time only: never the code typed.
 */
export class EnvelopeCodeFailures1764000010300 implements MigrationInterface {
  name = 'EnvelopeCodeFailures1764000010300';

  async up(runner: QueryRunner): Promise<void> {
    const autoId =
      runner.connection.driver.options.type === 'postgres'
        ? 'integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY'
        : 'integer PRIMARY KEY AUTOINCREMENT';
    await runner.query(`
      CREATE TABLE envelope_code_failures (
        id ${autoId},
        envelope_id integer NOT NULL REFERENCES downtime_envelopes (id),
        failed_at varchar(30) NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX envelope_code_failures_envelope ON envelope_code_failures (envelope_id, failed_at)`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
