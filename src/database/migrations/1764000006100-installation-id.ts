import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The random id of the installation, also written to DATA_DIR/installation.json at set-up, so
 * that a database swapped for another installation's is recognised at start.
 */
export class InstallationId1764000006100 implements MigrationInterface {
  name = 'InstallationId1764000006100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE trials ADD COLUMN installation_id varchar(36)`);
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
