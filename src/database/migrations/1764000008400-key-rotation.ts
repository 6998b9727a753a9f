import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Blinding key rotation (issue 15 item 6). The sealed columns (a slot's target, the list's seed
 * and nonce) stay write-once, except inside the `key rotate` transaction: it inserts the one row
 * of key_rotation_in_progress, re-seals every value and deletes the row before it commits, so the
 * row is never visible outside that transaction and a rotation killed half-way leaves no row.
 * No entity maps the table and no route writes it. Everything but the sealed columns stays
 * refused as before, rotation or not.
 */
export const KEY_ROTATION_TABLE = 'key_rotation_in_progress';
const ROTATING = `EXISTS (SELECT 1 FROM ${KEY_ROTATION_TABLE})`;
const LIST_FIXED_COLUMNS = [
  'id',
  'protocol_id',
  'method',
  'commitment',
  'definition_hash',
  'generated_at',
  'generated_by',
];
const SLOT_FIXED_COLUMNS = ['list_id', 'stratum', 'slot'];
/** Training1764000007600's exception, kept: a practice database's reset may delete the list. */
const POSTGRES_TRAINING =
  'EXISTS (SELECT 1 FROM trials) AND NOT EXISTS (SELECT 1 FROM trials WHERE NOT training)';

export class KeyRotation1764000008400 implements MigrationInterface {
  name = 'KeyRotation1764000008400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ${KEY_ROTATION_TABLE} (
        id integer PRIMARY KEY CHECK (id = 1),
        from_version integer NOT NULL,
        to_version integer NOT NULL,
        started_at varchar(30) NOT NULL
      )`);
    if (runner.connection.driver.options.type === 'postgres') await postgresTriggers(runner);
    else await sqliteTriggers(runner);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}

async function sqliteTriggers(runner: QueryRunner): Promise<void> {
  const listMessage = 'randomization_lists rows are append-only';
  const slotMessage =
    'slots: list_id, stratum, slot, target_sealed cannot change and rows cannot be deleted';
  // randomization_lists: every UPDATE refused outside a rotation; inside one, only the sealed
  // columns may change (so a column added later is protected without a new trigger).
  await runner.query(`DROP TRIGGER randomization_lists_no_update`);
  await runner.query(
    `CREATE TRIGGER randomization_lists_no_update BEFORE UPDATE ON randomization_lists WHEN NOT ${ROTATING} BEGIN SELECT RAISE(ABORT, '${listMessage}'); END`,
  );
  await runner.query(
    `CREATE TRIGGER randomization_lists_fixed_columns BEFORE UPDATE OF ${LIST_FIXED_COLUMNS.join(', ')} ON randomization_lists BEGIN SELECT RAISE(ABORT, '${listMessage}'); END`,
  );
  await runner.query(`DROP TRIGGER slots_no_column_update`);
  await runner.query(
    `CREATE TRIGGER slots_no_column_update BEFORE UPDATE OF ${SLOT_FIXED_COLUMNS.join(', ')} ON slots BEGIN SELECT RAISE(ABORT, '${slotMessage}'); END`,
  );
  await runner.query(
    `CREATE TRIGGER slots_sealed_fixed BEFORE UPDATE OF target_sealed ON slots WHEN NOT ${ROTATING} BEGIN SELECT RAISE(ABORT, '${slotMessage}'); END`,
  );
}

async function postgresTriggers(runner: QueryRunner): Promise<void> {
  const listMessage = 'randomization_lists rows are append-only';
  const slotMessage =
    'slots: list_id, stratum, slot, target_sealed cannot change and rows cannot be deleted';
  const changed = (columns: string[]) =>
    columns.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ');
  // The same function names as before, replaced: the old triggers now call the new bodies, which
  // keep the training reset's delete (Training1764000007600) and refuse the rest as before.
  await runner.query(`
    CREATE OR REPLACE FUNCTION refuse_randomization_lists_change() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND ${POSTGRES_TRAINING} THEN RETURN OLD; END IF;
      IF TG_OP = 'DELETE' OR ${changed(LIST_FIXED_COLUMNS)} THEN RAISE EXCEPTION '${listMessage}'; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql`);
  await runner.query(`
    CREATE OR REPLACE FUNCTION refuse_randomization_lists_outside_rotation() RETURNS trigger AS $$
    BEGIN
      IF NOT ${ROTATING} THEN RAISE EXCEPTION '${listMessage}'; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql`);
  await runner.query(
    `CREATE TRIGGER randomization_lists_outside_rotation BEFORE UPDATE ON randomization_lists FOR EACH ROW EXECUTE FUNCTION refuse_randomization_lists_outside_rotation()`,
  );
  await runner.query(`
    CREATE OR REPLACE FUNCTION refuse_slots_change() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND ${POSTGRES_TRAINING} THEN RETURN OLD; END IF;
      IF TG_OP = 'DELETE' OR ${changed(SLOT_FIXED_COLUMNS)} THEN RAISE EXCEPTION '${slotMessage}'; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql`);
  await runner.query(`
    CREATE OR REPLACE FUNCTION refuse_slots_sealed_change() RETURNS trigger AS $$
    BEGIN
      IF NEW.target_sealed IS DISTINCT FROM OLD.target_sealed AND NOT ${ROTATING} THEN
        RAISE EXCEPTION '${slotMessage}';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql`);
  await runner.query(
    `CREATE TRIGGER slots_sealed_fixed BEFORE UPDATE ON slots FOR EACH ROW EXECUTE FUNCTION refuse_slots_sealed_change()`,
  );
}
