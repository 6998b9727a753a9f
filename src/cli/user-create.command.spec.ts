import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../app.factory';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { newTempDir, testEnv } from '../../test/support/test-app';
import {
  describeOnPostgres,
  PostgresCluster,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from '../../test/support/postgres';
import { auditEntriesOf, openDatabaseFile } from '../../test/support/database-file';
import { CliIo } from './cli-io';
import { createUserCreateCommand } from './user-create.command';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

function usernames(databasePath: string): string[] {
  const db = openDatabaseFile(databasePath);
  try {
    const rows = db.prepare('SELECT username FROM users ORDER BY username').all() as {
      username: string;
    }[];
    return rows.map((row) => row.username);
  } finally {
    db.close();
  }
}

const command = (config: AppConfig, password = 'a-cli-made-password') =>
  createUserCreateCommand(
    () => config,
    () => Promise.resolve(password),
  );

describe('user create (command line)', () => {
  let dataDir: string;
  let config: AppConfig;

  beforeAll(async () => {
    dataDir = newTempDir();
    config = loadAppConfig(testEnv(dataDir));
    // The server's first start sets the trial and its admin up; the command never does.
    await (await createApp(config)).close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[], password?: string, io = capture()) =>
    command(config, password).run(args, io);

  it('creates a user with the server rules and audits it under the cli actor', async () => {
    expect(await run(['pharmacist2', '--role', 'pharmacist', '--role', 'investigator'])).toBe(0);
    const db = openDatabaseFile(config.databasePath);
    try {
      const row = db
        .prepare("SELECT roles, password_hash FROM users WHERE username = 'pharmacist2'")
        .get() as {
        roles: string;
        password_hash: string;
      };
      expect(row.roles).toBe('pharmacist,investigator');
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    } finally {
      db.close();
    }
    const created = auditEntriesOf(config.databasePath)
      .filter((e) => e.action === 'USER_CREATED')
      .pop();
    expect(created).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      details: { username: 'pharmacist2' },
    });
  });

  it('creates an outcome assessor, the blinded role that records guesses, and names every role in its usage', async () => {
    expect(await run(['assessor1', '--role', 'assessor'])).toBe(0);
    const db = openDatabaseFile(config.databasePath);
    try {
      const row = db.prepare("SELECT roles FROM users WHERE username = 'assessor1'").get() as {
        roles: string;
      };
      expect(row.roles).toBe('assessor');
    } finally {
      db.close();
    }
    expect(command(config).usage).toContain(
      'roles: admin, statistician, pharmacist, investigator, unblinder, monitor, assessor',
    );
  });

  it.each([
    [
      'a duplicate',
      ['pharmacist2', '--role', 'pharmacist'],
      'a-cli-made-password',
      /already exists/,
    ],
    ['a weak password', ['weakling', '--role', 'monitor'], 'short', /password/],
    ['an unknown role', ['roleless', '--role', 'god'], 'a-cli-made-password', /role/],
    [
      'the username in the password',
      ['carmen', '--role', 'monitor'],
      'xx-Carmen-xx-long',
      /username/,
    ],
  ])(
    'refuses %s with exit 1 on stderr, adds no user and audits the refusal once',
    async (_case, args, password, message) => {
      const before = usernames(config.databasePath);
      const entriesBefore = auditEntriesOf(config.databasePath).length;
      const io = capture();
      expect(await run(args, password, io)).toBe(1);
      expect(io.errors.join('\n')).toMatch(message);
      expect(io.lines).toEqual([]);
      expect(usernames(config.databasePath)).toEqual(before);
      const added = auditEntriesOf(config.databasePath).slice(entriesBefore);
      expect(added).toMatchObject([
        { action: 'USER_CHANGE_REFUSED', actor: expect.stringMatching(/^cli:/) },
      ]);
    },
  );

  it('is a usage error without a role', async () => {
    await expect(run(['nobody'])).rejects.toThrow(/--role/);
  });
});

describe('user create on a database that was never set up', () => {
  let root: string;
  beforeEach(() => (root = newTempDir('never-set-up-')));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses with exit 2 when there is no database, and creates no file, key or admin', async () => {
    const dataDir = join(root, 'data');
    const config = loadAppConfig(testEnv(dataDir));
    const io = capture();
    expect(await command(config).run(['first', '--role', 'admin'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/no database at .*start the server once/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses with exit 2 on an empty file and on a database without a trial, changing neither', async () => {
    const config = loadAppConfig(testEnv(root));
    writeFileSync(config.databasePath, '');
    const io = capture();
    expect(await command(config).run(['first', '--role', 'admin'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/is empty.*start the server once/);
    expect(readdirSync(root)).toEqual(['trial.sqlite']);
    expect(readFileSync(config.databasePath).length).toBe(0);

    rmSync(config.databasePath);
    const db = new Database(config.databasePath);
    db.exec('CREATE TABLE trials (id TEXT); CREATE TABLE users (username TEXT)');
    db.close();
    const bytes = readFileSync(config.databasePath);
    expect(await command(config).run(['first', '--role', 'admin'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/holds no trial record.*start the server once/);
    expect(readFileSync(config.databasePath).equals(bytes)).toBe(true);
    expect(readdirSync(root)).toEqual(['trial.sqlite']);
  });
});

describeOnPostgres('user create on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let root: string;
  beforeAll(async () => (cluster = await sharedPostgresCluster()));
  afterAll(() => stopSharedPostgresCluster());
  beforeEach(() => (root = newTempDir('user-create-pg-')));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function rows<T>(url: string, sql: string): Promise<T[]> {
    const client = await cluster.connect(url);
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('creates a user on a database the server set up, audited under the cli actor', async () => {
    const config = loadAppConfig(testEnv(root, { DATABASE_URL: await cluster.createDatabase() }));
    await (await createApp(config)).close();
    const io = capture();
    expect(await command(config).run(['pharmacist2', '--role', 'pharmacist'], io)).toBe(0);
    expect(io.lines).toEqual(['Created user pharmacist2 with roles pharmacist']);
    const url = config.postgres!.url;
    expect(
      await rows(url, "SELECT username, roles FROM users WHERE username = 'pharmacist2'"),
    ).toEqual([{ username: 'pharmacist2', roles: 'pharmacist' }]);
    const [created] = await rows<{ actor: string }>(
      url,
      "SELECT actor FROM audit_entries WHERE action = 'USER_CREATED' ORDER BY seq DESC LIMIT 1",
    );
    expect(created.actor).toMatch(/^cli:/);
  });

  it('refuses with exit 2 a database the server never set up, and creates no table in it', async () => {
    const url = await cluster.createDatabase();
    const config = loadAppConfig(testEnv(join(root, 'data'), { DATABASE_URL: url }));
    const io = capture();
    expect(await command(config).run(['first', '--role', 'admin'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/holds no trial.*start the server once/);
    expect(await rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).toEqual(
      [],
    );
    expect(existsSync(join(root, 'data'))).toBe(false);
  });
});
