import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { loadAppConfig } from '../src/config/app-config';
import { ADMIN_PASSWORD, newTempDir, testEnv } from './support/test-app';

/** The database holds eligibility answers, ages, password hashes and the log: owner only. */

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('Database files on disk', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = newTempDir('trial-modes-');
    // The usual default, under which a plain open would give 0644 files in a 0755 folder.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    jest.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  async function startAndWrite(env: Record<string, string>) {
    const config = loadAppConfig(env);
    const app = await createApp(config);
    // A signed-in request writes (audit entry), so the -wal and -shm exist while the app runs.
    const login = await request(app.getHttpServer() as Parameters<typeof request>[0])
      .post('/api/auth/login')
      .send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    return { app, databasePath: config.databasePath };
  }

  it('creates the data folder 0700 and the database, -wal and -shm 0600 under umask 022', async () => {
    const dataDir = join(root, 'data');
    const { app, databasePath } = await startAndWrite(testEnv(dataDir));
    try {
      expect(databasePath.startsWith(dataDir)).toBe(true);
      expect(existsSync(`${databasePath}-wal`)).toBe(true);
      expect(existsSync(`${databasePath}-shm`)).toBe(true);
      expect({
        dir: modeOf(dataDir),
        db: modeOf(databasePath),
        wal: modeOf(`${databasePath}-wal`),
        shm: modeOf(`${databasePath}-shm`),
      }).toEqual({ dir: '700', db: '600', wal: '600', shm: '600' });
    } finally {
      await app.close();
    }
  });

  it('tightens a readable database and folder found at start, with a warning naming them', async () => {
    const dataDir = join(root, 'data');
    const env = testEnv(dataDir);
    const first = await startAndWrite(env);
    await first.app.close();
    chmodSync(dataDir, 0o755);
    chmodSync(first.databasePath, 0o644);
    const warn = jest.spyOn(Logger.prototype, 'warn');

    const { app, databasePath } = await startAndWrite(env);
    try {
      expect([modeOf(dataDir), modeOf(databasePath), modeOf(`${databasePath}-wal`)]).toEqual([
        '700',
        '600',
        '600',
      ]);
      const warnings = warn.mock.calls.map((call) => String(call[0])).join('\n');
      expect(warnings).toContain(`The database folder ${dataDir} was 0755: set to 0700`);
      expect(warnings).toContain(`${databasePath} was 0644: set to 0600`);
    } finally {
      await app.close();
    }
  });
});
