import { MigrationInterface, QueryRunner } from 'typeorm';
import { refuseUpdateAndDelete } from './append-only';

/** Reviews of emergency unblindings, and the notification outbox. */
export class Unblinding1764000003000 implements MigrationInterface {
  name = 'Unblinding1764000003000';

  async up(runner: QueryRunner): Promise<void> {
    const autoId =
      runner.connection.driver.options.type === 'postgres'
        ? 'integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY'
        : 'integer PRIMARY KEY AUTOINCREMENT';
    await runner.query(`
      CREATE TABLE unblinding_reviews (
        id ${autoId},
        participant_id varchar(64) NOT NULL UNIQUE REFERENCES participants (participant_id),
        decision varchar(16) NOT NULL,
        comment text NOT NULL,
        reviewed_by varchar(64) NOT NULL,
        reviewed_at varchar(30) NOT NULL
      )`);
    await refuseUpdateAndDelete(runner, 'unblinding_reviews');
    await runner.query(`
      CREATE TABLE notifications (
        id ${autoId},
        kind varchar(32) NOT NULL,
        participant_id varchar(64),
        recipient varchar(500) NOT NULL,
        payload text NOT NULL,
        created_at varchar(30) NOT NULL,
        attempts integer NOT NULL,
        next_attempt_at varchar(30) NOT NULL,
        lease_until varchar(30),
        delivered_at varchar(30),
        failed_at varchar(30),
        last_error text
      )`);
    await runner.query(
      `CREATE INDEX notifications_due ON notifications (delivered_at, failed_at, next_attempt_at)`,
    );
  }

  down(): Promise<void> {
    return Promise.reject(new Error('Not reversible: restore a backup instead'));
  }
}
