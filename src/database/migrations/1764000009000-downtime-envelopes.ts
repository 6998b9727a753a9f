import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseChangeOnceSet } from './append-only';

/**
 * Downtime envelopes (issue 15 item 2): each reserves one slot of a stratum's list for an
 * allocation made on paper while the service cannot be reached. The row holds no target (the
 * slot's sealed target is the envelope's) and only a SHA-256 of the opening code printed inside.
 * What it is (number, slot, stratum, issue) never changes; once used or voided it stays so; rows
 * are deleted only by a practice instance's reset, like the slots they point at.
 */
export class DowntimeEnvelopes1764000009000 implements MigrationInterface {
  name = 'DowntimeEnvelopes1764000009000';

  async up(runner: QueryRunner): Promise<void> {
    const postgres = runner.connection.driver.options.type === 'postgres';
    const autoId = postgres
      ? 'integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY'
      : 'integer PRIMARY KEY AUTOINCREMENT';
    await runner.query(`
      CREATE TABLE downtime_envelopes (
        id ${autoId},
        number integer NOT NULL UNIQUE,
        list_id integer NOT NULL REFERENCES randomization_lists (id),
        slot_id integer NOT NULL UNIQUE REFERENCES slots (id),
        stratum varchar(200) NOT NULL,
        issued_at varchar(30) NOT NULL,
        issued_by varchar(64) NOT NULL,
        code_hash varchar(64),
        printed_at varchar(30),
        printed_by varchar(64),
        print_count integer NOT NULL DEFAULT 0,
        participant_id varchar(64) UNIQUE REFERENCES participants (participant_id),
        opened_at varchar(30),
        used_at varchar(30),
        used_by varchar(64),
        voided_at varchar(30)
      )`);
    await runner.query(
      `CREATE INDEX downtime_envelopes_stratum ON downtime_envelopes (list_id, stratum, number)`,
    );
    const afterUse = [
      'participant_id',
      'opened_at',
      'used_at',
      'used_by',
      'code_hash',
      'printed_at',
      'printed_by',
      'print_count',
      'voided_at',
    ];
    await refuseChangeOnceSet(runner, 'downtime_envelopes', 'used_at', afterUse);
    await refuseChangeOnceSet(runner, 'downtime_envelopes', 'voided_at', afterUse);
    if (postgres) {
      await runner.query(`
        CREATE OR REPLACE FUNCTION refuse_downtime_envelopes_change() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND ${POSTGRES_TRAINING} THEN RETURN OLD; END IF;
          IF TG_OP = 'DELETE' OR ${FIXED.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ')} THEN
            RAISE EXCEPTION '${FIXED_MESSAGE}';
          END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql`);
      await runner.query(
        `CREATE TRIGGER downtime_envelopes_guard BEFORE UPDATE OR DELETE ON downtime_envelopes FOR EACH ROW EXECUTE FUNCTION refuse_downtime_envelopes_change()`,
      );
      return;
    }
    await runner.query(
      `CREATE TRIGGER downtime_envelopes_no_column_update BEFORE UPDATE OF ${FIXED.join(', ')} ON downtime_envelopes BEGIN SELECT RAISE(ABORT, '${FIXED_MESSAGE}'); END`,
    );
    await runner.query(
      `CREATE TRIGGER downtime_envelopes_no_delete BEFORE DELETE ON downtime_envelopes WHEN ${SQLITE_NOT_TRAINING} BEGIN SELECT RAISE(ABORT, '${FIXED_MESSAGE}'); END`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}

const FIXED = ['number', 'list_id', 'slot_id', 'stratum', 'issued_at', 'issued_by'];
const FIXED_MESSAGE = `downtime_envelopes: ${FIXED.join(', ')} cannot change and rows cannot be deleted`;

/** As in Training1764000007600: a delete only where every trial row says training. */
const SQLITE_NOT_TRAINING =
  '(NOT EXISTS (SELECT 1 FROM trials) OR EXISTS (SELECT 1 FROM trials WHERE NOT training))';
const POSTGRES_TRAINING =
  'EXISTS (SELECT 1 FROM trials) AND NOT EXISTS (SELECT 1 FROM trials WHERE NOT training)';
