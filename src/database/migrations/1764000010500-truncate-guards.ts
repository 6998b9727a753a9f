import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseTruncate } from './append-only';

/**
 * On PostgreSQL, TRUNCATE fires no row-level trigger: the BEFORE UPDATE OR DELETE guards of the
 * earlier migrations let `TRUNCATE audit_entries` empty the log. This adds a BEFORE TRUNCATE
 * statement trigger to every table those guards refuse DELETE on (TRUNCATE ... CASCADE fires the
 * trigger of each table it would empty, so it is refused too). The service itself never
 * truncates: a practice instance's reset deletes row by row, as the DELETE guards allow.
 *
 * SQLite: nothing to do. It has no TRUNCATE, and its `DELETE FROM t` without WHERE fires the row
 * triggers (the truncate optimisation is off for a table with triggers); refuseTruncate() does
 * nothing there.
 */
export class TruncateGuards1764000010500 implements MigrationInterface {
  name = 'TruncateGuards1764000010500';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of REFUSE_DELETE) await refuseTruncate(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    if (runner.connection.driver.options.type !== 'postgres') return;
    for (const table of REFUSE_DELETE) {
      await runner.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await runner.query(`DROP FUNCTION refuse_${table}_truncate()`);
    }
  }
}

/**
 * The tables whose PostgreSQL triggers refuse DELETE (always, or outside training), from the
 * migrations that guard them. test/schema-parity.e2e-spec.ts checks this list against the
 * catalogue, so a table guarded later without a truncate trigger fails there.
 */
const REFUSE_DELETE = [
  'audit_entries', // Foundation1764000000000
  'randomization_lists', // RandomizationList1764000001000, Training1764000007600
  'slots', // RandomizationList1764000001000, Training1764000007600
  'unblinding_reviews', // Unblinding1764000003000, Training1764000007600
  'trials', // Training1764000007600
  'downtime_envelopes', // DowntimeEnvelopes1764000009000
  'blinding_guesses', // BlindingGuesses1764000009500
];
