import { rmSync } from 'node:fs';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { newTempDir, testEnv } from '../../test/support/test-app';
import { auditEntriesOf, openDatabaseFile } from '../../test/support/database-file';
import { CliIo } from './cli-io';
import { createUserCreateCommand } from './user-create.command';

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('user create (command line)', () => {
  let dataDir: string;
  let config: AppConfig;

  beforeAll(() => {
    dataDir = newTempDir();
    config = loadAppConfig(testEnv(dataDir));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[], password = 'a-cli-made-password') =>
    createUserCreateCommand(
      () => config,
      () => Promise.resolve(password),
    ).run(args, capture());

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

  it.each([
    [['pharmacist2', '--role', 'pharmacist'], 'a-cli-made-password'],
    [['weakling', '--role', 'monitor'], 'short'],
    [['roleless', '--role', 'god'], 'a-cli-made-password'],
  ])('refuses %j with exit 1 (duplicate, weak password, unknown role)', async (args, password) => {
    expect(await run(args, password)).toBe(1);
  });

  it('is a usage error without a role', async () => {
    await expect(run(['nobody'])).rejects.toThrow(/--role/);
  });
});
