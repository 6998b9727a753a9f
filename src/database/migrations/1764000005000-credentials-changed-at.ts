import { MigrationInterface, QueryRunner } from 'typeorm';

/** When a user's password last changed: tokens issued before it are refused. */
export class CredentialsChangedAt1764000005000 implements MigrationInterface {
  name = 'CredentialsChangedAt1764000005000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE users ADD COLUMN credentials_changed_at varchar(30)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
