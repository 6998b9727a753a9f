import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions that end for good. users.token_version is bumped when a password changes or an
 * account is disabled; a token carries the version it was issued under, and the guard refuses
 * any other (a counter, not a time: clock steps and tokens issued in the same second cannot
 * slip through). revoked_tokens holds the ids of tokens ended by sign-out or replaced by a
 * refresh, until they could no longer be used anyway; it lives in the database so that every
 * server process on it agrees. The same statements run on SQLite and PostgreSQL.
 */
export class Sessions1764000006600 implements MigrationInterface {
  name = 'Sessions1764000006600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
    await runner.query(`
      CREATE TABLE revoked_tokens (
        token_id varchar(64) PRIMARY KEY,
        username varchar(64) NOT NULL,
        revoked_at varchar(30) NOT NULL,
        expires_at varchar(30) NOT NULL
      )`);
    await runner.query(`CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
