import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed password attempts (sign-in and signature), in the database so that every server
 * process on it counts the same window: N processes must not give an attacker N times the
 * attempts. The account or address is stored as a SHA-256 of its key, never as text.
 */
export class PasswordFailures1764000007000 implements MigrationInterface {
  name = 'PasswordFailures1764000007000';

  async up(runner: QueryRunner): Promise<void> {
    const autoId =
      runner.connection.driver.options.type === 'postgres'
        ? 'integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY'
        : 'integer PRIMARY KEY AUTOINCREMENT';
    await runner.query(`
      CREATE TABLE password_failures (
        id ${autoId},
        purpose varchar(16) NOT NULL,
        key_hash varchar(64) NOT NULL,
        failed_at varchar(30) NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX password_failures_key ON password_failures (purpose, key_hash, failed_at)`,
    );
    await runner.query(`CREATE INDEX password_failures_failed_at ON password_failures (failed_at)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
