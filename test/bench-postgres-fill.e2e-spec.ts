import { DataSource } from 'typeorm';
import { chainEntry, GENESIS_HASH } from '../src/audit/audit-chain';
import { toAuditRow } from '../src/audit/audit.service';
import { postgresConfigOf } from '../src/config/app-config';
import { postgresDataSourceOptions } from '../src/database/data-source-options';
import { syntheticAuditFields } from '../bench/support/audit-fixture';
import { fillPostgresAuditTable } from '../bench/support/postgres-fixture';
import {
  describeOnPostgres,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';

/**
 * The PostgreSQL benchmark fills the audit log in SQL (bench/support/postgres-fixture.ts) for
 * speed; its rows must be the entries the SQLite benchmark writes (syntheticAuditFields, the
 * app's row encoding), or the two CSV exports would not measure the same work.
 */
const CONTENT = [
  'at',
  'actor',
  'roles',
  'action',
  'participantId',
  'outcome',
  'reason',
  'details',
  'ip',
] as const;
const COLUMNS = ['seq', ...CONTENT, 'requestId', 'prevHash', 'hash'] as const;

describeOnPostgres('The PostgreSQL benchmark fill of the audit log', () => {
  let db: DataSource;
  let url: string;

  beforeAll(async () => {
    url = await (await sharedPostgresCluster()).createDatabase();
    db = new DataSource(postgresDataSourceOptions(postgresConfigOf(url, 2)));
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await stopSharedPostgresCluster();
  });

  it('writes the synthetic entries of the SQLite fill, each linked to the one before', async () => {
    const first = chainEntry(GENESIS_HASH, syntheticAuditFields(1));
    await db.query(
      'INSERT INTO audit_entries (seq, at, actor, roles, action, participant_id, outcome, ' +
        'reason, details, ip, request_id, prev_hash, hash) ' +
        'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
      COLUMNS.map((column) => toAuditRow(first)[column]),
    );

    await fillPostgresAuditTable(url, 9);

    const rows = await db.query<Record<string, unknown>[]>(
      'SELECT seq, at, actor, roles, action, participant_id AS "participantId", outcome, ' +
        'reason, details, ip, request_id AS "requestId", prev_hash AS "prevHash", hash ' +
        'FROM audit_entries ORDER BY seq',
    );
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const row of rows.slice(1)) {
      const seq = Number(row.seq);
      const expected = toAuditRow(chainEntry(GENESIS_HASH, syntheticAuditFields(seq)));
      // Everything but the request id (a fresh UUID in both) and the hashes (see the fill).
      for (const column of CONTENT)
        expect([seq, column, row[column]]).toEqual([seq, column, expected[column]]);
      expect(String(row.requestId)).toHaveLength(36);
      expect(String(row.hash)).toMatch(/^[0-9a-f]{64}$/);
    }
    // Linked: the first filled row follows the real head, every other the row before it.
    for (let i = 1; i < rows.length; i += 1) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
  });
});
