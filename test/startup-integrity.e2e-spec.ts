import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/app.factory';
import { createKeyRotateAuditSigningCommand } from '../src/cli/key-rotate-audit-signing.command';
import { CliIo } from '../src/cli/cli-io';
import { AppConfig } from '../src/config/app-config';
import { newAuditSigningKeyPem } from '../src/crypto/key-material';
import { auditEntriesOf } from './support/database-file';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { newTempDir, startTestApp, TestApp } from './support/test-app';

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

const DATABASE_COMPANIONS = ['', '-wal', '-shm'];

function removeDatabase(path: string): void {
  for (const suffix of DATABASE_COMPANIONS) rmSync(`${path}${suffix}`, { force: true });
}

/** Starts and stops a server on the same data directory, as an operator's restart would. */
async function startOnce(config: AppConfig): Promise<void> {
  const app = await createApp(config);
  await app.close();
}

describe('Start-up integrity: what the installation was set up with (end to end)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  it('refuses a second trial file with the same protocol id, before any list exists', async () => {
    await t.app.close();
    const dir = newTempDir();
    try {
      const other = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as {
        eligibility: { minAge: number };
      };
      other.eligibility.minAge = 15;
      const file = join(dir, 'same-protocol.json');
      writeFileSync(file, JSON.stringify(other));
      await expect(createApp({ ...t.config, trialConfigPath: file })).rejects.toThrow(
        /differs from the one this database was set up with \(definition hash [0-9a-f]{64}, now [0-9a-f]{64}\)/,
      );
      // The original file still starts.
      await startOnce(t.config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses another audit signing key, and accepts it once rotated with the audited command', async () => {
    await t.app.close();
    const other = {
      ...t.config,
      auditSigningKey: {
        kind: 'inline' as const,
        value: newAuditSigningKeyPem(),
        variable: 'AUDIT_SIGNING_KEY',
      },
    };
    await expect(createApp(other)).rejects.toThrow(
      /audit signing key does not match the one this database registered/,
    );

    const rotate = createKeyRotateAuditSigningCommand(() => other);
    const io = capture();
    await expect(rotate.run([], capture())).rejects.toThrow(/--reason/);
    expect(await rotate.run(['--reason', 'yearly rotation'], io)).toBe(0);
    await startOnce(other);
    // The old key is now the stranger.
    await expect(createApp(t.config)).rejects.toThrow(/audit signing key does not match/);

    const rotated = auditEntriesOf(t.config.databasePath).filter(
      (e) => e.action === 'AUDIT_SIGNING_KEY_ROTATED',
    );
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({
      actor: expect.stringMatching(/^cli:/),
      reason: 'yearly rotation',
      details: {
        keyVersion: 2,
        publicKey: expect.any(String),
        previousPublicKey: expect.any(String),
      },
    });
    expect(io.lines.join('\n')).toContain(String(rotated[0].details.publicKey));
  });
});

describe('Start-up integrity: a missing or replaced database (end to end)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t?.close());

  it('writes the installation marker beside the keys at set-up, with the id the database holds', () => {
    const marker = JSON.parse(readFileSync(join(t.dataDir, 'installation.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(marker).toMatchObject({
      protocolId: 'NCT02286011',
      databasePath: t.config.databasePath,
      installationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const initialized = auditEntriesOf(t.config.databasePath).find(
      (e) => e.action === 'SYSTEM_INITIALIZED',
    );
    expect(initialized?.details.installationId).toBe(marker.installationId);
  });

  it('refuses to start when the database was deleted and the marker remains, and creates nothing', async () => {
    await t.app.close();
    removeDatabase(t.config.databasePath);
    await expect(createApp(t.config)).rejects.toThrow(
      /database .*trial\.sqlite is missing, but .*installation\.json records that trial NCT02286011 was set up here.*Restore the database from its latest backup/,
    );
    expect(existsSync(t.config.databasePath)).toBe(false);
    // An empty file (a truncated copy) is refused the same way.
    writeFileSync(t.config.databasePath, '');
    await expect(createApp(t.config)).rejects.toThrow(/is empty, but/);
  });

  it('refuses a database that belongs to another installation', async () => {
    const other = await startTestApp();
    await other.app.close();
    await t.app.close();
    removeDatabase(t.config.databasePath);
    copyFileSync(other.config.databasePath, t.config.databasePath);
    await other.close();
    await expect(createApp(t.config)).rejects.toThrow(/is not this installation's/);
  });

  it.each(['replaced', 'removed'])(
    'stops taking writes (503) once the database file is %s under the running server',
    async (how) => {
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      const trial = nctTrial();
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-1'))
        .expect(201);
      const path = t.config.databasePath;
      if (how === 'replaced') {
        copyFileSync(path, `${path}.copy`);
        renameSync(`${path}.copy`, path);
      } else {
        removeDatabase(path);
      }
      const refused = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-2'));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.body).toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringMatching(/removed or replaced while the server ran/),
      });
      // It stays refused: the guard does not forget.
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-3'))
        .expect(503);
    },
  );
});
