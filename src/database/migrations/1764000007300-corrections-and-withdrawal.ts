import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseChangeOnceSet } from './append-only';

/**
 * Withdrawal of a participant (issue 15 item 3): who withdrew them, when and why. Once recorded a
 * withdrawal cannot be rewritten or undone, and once a participant is allocated its stratum
 * cannot change (the slot was claimed in that stratum's list), whoever holds the database file.
 * The same statements run on SQLite and PostgreSQL; the triggers branch in append-only.ts.
 */
export class CorrectionsAndWithdrawal1764000007300 implements MigrationInterface {
  name = 'CorrectionsAndWithdrawal1764000007300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE participants ADD COLUMN withdrawn_at varchar(30)`);
    await runner.query(`ALTER TABLE participants ADD COLUMN withdrawn_by varchar(64)`);
    await runner.query(`ALTER TABLE participants ADD COLUMN withdrawal_reason text`);
    await refuseChangeOnceSet(runner, 'participants', 'withdrawn_at', [
      'withdrawn_at',
      'withdrawn_by',
      'withdrawal_reason',
    ]);
    await refuseStratumChangeOnceAllocated(runner);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}

/**
 * refuseChangeOnceSet() names its trigger after the set-once column, and allocated_at already
 * has one (AllocationSetOnce1764000004000), so the stratum gets its own, written out here.
 */
async function refuseStratumChangeOnceAllocated(runner: QueryRunner): Promise<void> {
  const message = 'participants: stratum cannot change once allocated_at is set';
  if (runner.connection.driver.options.type === 'postgres') {
    await runner.query(`
      CREATE OR REPLACE FUNCTION refuse_participants_stratum_fixed() RETURNS trigger AS $$
      BEGIN
        IF OLD.allocated_at IS NOT NULL AND NEW.stratum IS DISTINCT FROM OLD.stratum THEN
          RAISE EXCEPTION '${message}';
        END IF;
        RETURN NEW;
      END; $$ LANGUAGE plpgsql`);
    await runner.query(
      `CREATE TRIGGER participants_stratum_fixed BEFORE UPDATE ON participants FOR EACH ROW EXECUTE FUNCTION refuse_participants_stratum_fixed()`,
    );
    return;
  }
  await runner.query(
    `CREATE TRIGGER participants_stratum_fixed BEFORE UPDATE OF stratum ON participants WHEN OLD.allocated_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '${message}'); END`,
  );
}
