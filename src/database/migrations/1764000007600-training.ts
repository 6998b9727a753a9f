import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseColumnUpdateAndDelete } from './append-only';

/**
 * Training mode: the trial's row records at set-up whether this is a practice database, and that
 * can never change. The list's rows (list, slots, unblinding reviews) stay undeletable, except in
 * a database whose every trial row says training, so that an admin's reset of a practice
 * instance can clear them and nothing can on a clinical database. The audit log stays
 * append-only everywhere.
 */
export class Training1764000007600 implements MigrationInterface {
  name = 'Training1764000007600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE trials ADD COLUMN training boolean NOT NULL DEFAULT false`);
    await refuseColumnUpdateAndDelete(runner, 'trials', ['training']);
    if (runner.connection.driver.options.type === 'postgres') {
      await this.postgres(runner);
      return;
    }
    for (const [table, message] of DELETE_MESSAGES) {
      await runner.query(`DROP TRIGGER ${table}_no_delete`);
      await runner.query(
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} WHEN ${SQLITE_NOT_TRAINING} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
      );
    }
  }

  /** The same rules as the SQLite triggers, in the functions the earlier migrations created. */
  private async postgres(runner: QueryRunner): Promise<void> {
    for (const table of ['randomization_lists', 'unblinding_reviews']) {
      await runner.query(`
        CREATE OR REPLACE FUNCTION refuse_${table}_change() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND ${POSTGRES_TRAINING} THEN RETURN OLD; END IF;
          RAISE EXCEPTION '${table} rows are append-only';
        END; $$ LANGUAGE plpgsql`);
    }
    const columns = ['list_id', 'stratum', 'slot', 'target_sealed'];
    const changed = columns.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ');
    const message = `slots: ${columns.join(', ')} cannot change and rows cannot be deleted`;
    await runner.query(`
      CREATE OR REPLACE FUNCTION refuse_slots_change() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND ${POSTGRES_TRAINING} THEN RETURN OLD; END IF;
        IF TG_OP = 'DELETE' OR ${changed} THEN RAISE EXCEPTION '${message}'; END IF;
        RETURN NEW;
      END; $$ LANGUAGE plpgsql`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}

/** The earlier migrations' messages, kept as they were. */
const DELETE_MESSAGES: [string, string][] = [
  ['randomization_lists', 'randomization_lists rows are append-only'],
  [
    'slots',
    'slots: list_id, stratum, slot, target_sealed cannot change and rows cannot be deleted',
  ],
  ['unblinding_reviews', 'unblinding_reviews rows are append-only'],
];

/** A delete is refused unless there is a trial row and every trial row is a training one. */
const SQLITE_NOT_TRAINING =
  '(NOT EXISTS (SELECT 1 FROM trials) OR EXISTS (SELECT 1 FROM trials WHERE NOT training))';
const POSTGRES_TRAINING =
  'EXISTS (SELECT 1 FROM trials) AND NOT EXISTS (SELECT 1 FROM trials WHERE NOT training)';
