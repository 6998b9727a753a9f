import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app.factory';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { newTempDir, testEnv } from '../../test/support/test-app';
import {
  describeOnPostgres,
  PostgresCluster,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from '../../test/support/postgres';
import { readInstallationRecord } from './installation-record.repository';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe(readInstallationRecord.name, () => {
  let dataDir: string;
  let config: AppConfig;

  beforeAll(async () => {
    dataDir = newTempDir('installation-record-');
    config = loadAppConfig(testEnv(dataDir));
    await (await createApp(config)).close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("reads a set-up SQLite database's trial, and no list before one is generated, changing no byte of it", async () => {
    const before = sha256(config.databasePath);
    const record = await readInstallationRecord(config);
    expect(record).toEqual({
      kind: 'read',
      database: config.databasePath,
      trial: { protocolId: 'NCT02286011', definitionHash: expect.any(String), lockedAt: null },
      list: null,
    });
    expect(sha256(config.databasePath)).toBe(before);
  });

  it('reports a missing SQLite file as unreadable and creates none', async () => {
    const missing = { ...config, databasePath: join(dataDir, 'nowhere', 'trial.sqlite') };
    expect(await readInstallationRecord(missing)).toEqual({
      kind: 'unreadable',
      database: missing.databasePath,
      problem: 'there is no database file',
    });
    expect(readdirSync(dataDir)).not.toContain('nowhere');
  });
});

describeOnPostgres(`${readInstallationRecord.name} on PostgreSQL`, () => {
  let cluster: PostgresCluster;
  let dataDir: string;
  beforeAll(async () => (cluster = await sharedPostgresCluster()));
  afterAll(() => stopSharedPostgresCluster());
  beforeEach(() => (dataDir = newTempDir('installation-record-pg-')));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("reads a set-up database's trial", async () => {
    const config = loadAppConfig(
      testEnv(dataDir, { DATABASE_URL: await cluster.createDatabase() }),
    );
    await (await createApp(config)).close();
    expect(await readInstallationRecord(config)).toMatchObject({
      kind: 'read',
      trial: { protocolId: 'NCT02286011', lockedAt: null },
      list: null,
    });
  });

  it('reports a database the server never set up as unreadable, creating nothing in it', async () => {
    const url = await cluster.createDatabase();
    const config = loadAppConfig(testEnv(dataDir, { DATABASE_URL: url }));
    const record = await readInstallationRecord(config);
    expect(record).toMatchObject({ kind: 'unreadable', problem: expect.stringMatching(/trials/) });
    const client = await cluster.connect(url);
    try {
      const tables = await client.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(tables.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
