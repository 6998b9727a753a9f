import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseUpdateAndDelete } from './append-only';

/** Users, the trial record, key check values, the audit log and the write-lock row. */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    // One row that every write transaction updates first: this takes the database's write lock at
    // the start of the transaction (SQLite) or a row lock (PostgreSQL), see unit-of-work.ts.
    await runner.query(
      `CREATE TABLE write_lock (id integer PRIMARY KEY, counter integer NOT NULL)`,
    );
    await runner.query(`INSERT INTO write_lock (id, counter) VALUES (1, 0)`);

    await runner.query(`
      CREATE TABLE users (
        id integer PRIMARY KEY ${runner.connection.driver.options.type === 'postgres' ? 'GENERATED ALWAYS AS IDENTITY' : 'AUTOINCREMENT'},
        username varchar(64) NOT NULL UNIQUE,
        display_name varchar(200),
        password_hash varchar(255) NOT NULL,
        roles varchar(200) NOT NULL,
        active boolean NOT NULL,
        created_at varchar(30) NOT NULL,
        updated_at varchar(30) NOT NULL
      )`);

    await runner.query(`
      CREATE TABLE trials (
        protocol_id varchar(64) PRIMARY KEY,
        definition_hash varchar(64) NOT NULL,
        created_at varchar(30) NOT NULL,
        locked_at varchar(30),
        locked_by varchar(64),
        lock_reason text
      )`);

    await runner.query(`
      CREATE TABLE key_checks (
        purpose varchar(32) PRIMARY KEY,
        key_version integer NOT NULL,
        check_value varchar(64) NOT NULL,
        created_at varchar(30) NOT NULL
      )`);

    await runner.query(`
      CREATE TABLE audit_entries (
        seq integer PRIMARY KEY,
        at varchar(30) NOT NULL,
        actor varchar(64) NOT NULL,
        roles varchar(200) NOT NULL,
        action varchar(64) NOT NULL,
        participant_id varchar(64),
        outcome varchar(16) NOT NULL,
        reason text,
        details text NOT NULL,
        ip varchar(64),
        request_id varchar(64),
        prev_hash varchar(64) NOT NULL,
        hash varchar(64) NOT NULL
      )`);
    for (const column of ['at', 'actor', 'action', 'participant_id']) {
      await runner.query(`CREATE INDEX audit_entries_${column} ON audit_entries (${column})`);
    }
    await refuseUpdateAndDelete(runner, 'audit_entries');
  }

  down(): Promise<void> {
    return Promise.reject(
      new Error('The foundation migration is not reversible: restore a backup instead'),
    );
  }
}
