import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDatabaseFile, verifyAuditFile } from './support/database-file';
import { login } from './support/http-client';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import {
  ADMIN_PASSWORD,
  describeOnSqliteFile,
  newTempDir,
  startTestApp,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';

/**
 * The storage under the database fails (disk full): nothing is acknowledged that is not in the
 * file, every refusal is a 503 the client can retry, no connection is left inside a transaction
 * (holding the write lock), and the service recovers by itself once space is freed.
 * SQLite's file only (its page cap, the disk under it); on PostgreSQL, postgres-storage-faults.
 */

const trial = nctTrial();
/** Participants registered before the disk fills: more than fit into the space left. */
const PARTICIPANTS = 40;

/** The trial file, enlarged so that every participant can be registered and allocated. */
function writeTrialFile(dir: string): string {
  const file = join(dir, 'trial.json');
  const design = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...design, targetSize: PARTICIPANTS }));
  return file;
}

interface Answer {
  participantId: string;
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function send(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: object,
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: token, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** Sets up users and a list on a server, registers the participants; returns their ids. */
async function prepareTrial(url: string): Promise<{ pharmacist: string; participants: string[] }> {
  const admin = await login(url, 'admin', ADMIN_PASSWORD);
  for (const [username, role] of [
    ['pharm', 'pharmacist'],
    ['stat', 'statistician'],
  ]) {
    const created = await send(url, 'POST', '/api/users', admin, {
      username,
      password: USER_PASSWORD,
      roles: [role],
    });
    expect(created.status).toBe(201);
  }
  const pharmacist = await login(url, 'pharm', USER_PASSWORD);
  const statistician = await login(url, 'stat', USER_PASSWORD);
  const list = await send(url, 'POST', '/api/randomization-list', statistician, {
    seed: 'storage-faults-e2e-seed-01',
  });
  expect(list.status).toBe(201);
  const participants: string[] = [];
  for (let i = 0; i < PARTICIPANTS; i += 1) {
    const registered = await send(
      url,
      'POST',
      '/api/participants',
      pharmacist,
      registration(trial, `SCR-${i}`),
    );
    expect(registered.status).toBe(201);
    participants.push(registered.body.participantId as string);
  }
  return { pharmacist, participants };
}

async function allocate(url: string, token: string, participantId: string): Promise<Answer> {
  const answer = await send(url, 'POST', `/api/participants/${participantId}/allocation`, token);
  return { participantId, ...answer };
}

/** Every refusal while the disk is full is a retryable 503 that names the cause. */
function expectOnlyStorageRefusals(answers: Answer[]): void {
  const failures = answers.filter((a) => a.status !== 201);
  expect(failures.length).toBeGreaterThan(0);
  for (const failure of failures) {
    expect({ status: failure.status, code: failure.body.code }).toEqual({
      status: 503,
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(failure.retryAfter).toMatch(/^\d+$/);
    expect(String(failure.body.message)).toMatch(/could not store the change/i);
  }
}

/** No connection to the file holds the write lock: a fresh one takes it at once. */
function expectWriteLockFree(databasePath: string): void {
  const db = new Database(databasePath, { fileMustExist: true, timeout: 0 });
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } finally {
    db.close();
  }
}

/** Every 201 is in the file, with its slot; nothing allocated that was not answered 201. */
function expectAcknowledgedInFile(databasePath: string, answers: Answer[]): void {
  const acknowledged = new Map(
    answers.filter((a) => a.status === 201).map((a) => [a.participantId, a.body.slot]),
  );
  const db = openDatabaseFile(databasePath);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = db
      .prepare(
        'SELECT participant_id AS participantId, slot FROM slots WHERE participant_id IS NOT NULL',
      )
      .all() as { participantId: string; slot: number }[];
    expect(new Map(stored.map((s) => [s.participantId, s.slot]))).toEqual(acknowledged);
  } finally {
    db.close();
  }
  expect(verifyAuditFile(databasePath)).toMatchObject({ valid: true });
}

describeOnSqliteFile('Storage faults', () => {
  it('a full database answers 503, acknowledges only what is stored, and recovers once space is freed', async () => {
    const keepDir = newTempDir('trial-storage-keep-');
    const t = await startTestApp({ TRIAL_CONFIG: writeTrialFile(keepDir) });
    const databasePath = t.config.databasePath;
    try {
      const server = t.app.getHttpServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const { pharmacist, participants } = await prepareTrial(url);
      const driver = t.app.get(DataSource).driver as unknown as {
        databaseConnection: Database.Database;
      };
      const connection = driver.databaseConnection;

      // One allocation before the cap, so that a business refusal can be asked for under it
      // (whether any allocation fits in the file's free pages depends on the schema's size).
      const answers: Answer[] = [await allocate(url, pharmacist, participants[0])];
      expect(answers[0].status).toBe(201);
      // The database may not grow any more: the next pages it needs fail with SQLITE_FULL.
      const pages = connection.pragma('page_count', { simple: true }) as number;
      connection.pragma(`max_page_count = ${pages}`);
      for (const participantId of participants.slice(1))
        answers.push(await allocate(url, pharmacist, participantId));
      expectOnlyStorageRefusals(answers);
      const first = answers.find((a) => a.status === 201);
      expect(first).toBeDefined();
      // A business refusal after the failures: it must not leave a transaction open either.
      const again = await allocate(url, pharmacist, first!.participantId);
      expect([409, 503]).toContain(again.status);
      expect(connection.inTransaction).toBe(false);
      expectWriteLockFree(databasePath);

      // Space freed: the same server, without a restart, allocates everyone left.
      connection.pragma('max_page_count = 1073741823');
      const refused = answers.filter((a) => a.status !== 201).map((a) => a.participantId);
      for (const participantId of refused) {
        const retry = await allocate(url, pharmacist, participantId);
        expect(retry.status).toBe(201);
        answers.push(retry);
      }
      await t.app.close();
      // A copy outside the data directory, which close() removes.
      execFileSync('cp', ['-a', `${t.dataDir}/.`, keepDir]);
      // After the restart (a fresh connection to the file), every 201 is there.
      expectAcknowledgedInFile(join(keepDir, 'trial.sqlite'), answers);
    } finally {
      rmSync(t.dataDir, { recursive: true, force: true });
      rmSync(keepDir, { recursive: true, force: true });
    }
  });

  it('two processes on a full disk: only 503s, neither keeps the write lock, both recover', async () => {
    const root = newTempDir('trial-storage-mnt-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', root], { stdio: 'pipe' });
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      // Mounting needs root (CI runs as root); the in-process test above covers the logic.
      console.warn(`skipped: cannot mount a small tmpfs (${(error as Error).message.trim()})`);
      return;
    }
    const dataDir = join(root, 'data');
    const ballastDir = join(root, 'ballast');
    mkdirSync(ballastDir);
    const databasePath = join(dataDir, 'trial.sqlite');
    const servers: ServerProcess[] = [];
    try {
      const env = testEnv(dataDir, { TRIAL_CONFIG: writeTrialFile(root) });
      servers.push(await startServerProcess(env));
      servers.push(await startServerProcess(env));
      const { pharmacist, participants } = await prepareTrial(servers[0].url);
      const token2 = await login(servers[1].url, 'pharm', USER_PASSWORD);
      const tokens = [pharmacist, token2];

      // Fill the file system, then free a little: room for a few commits only.
      const chunk = Buffer.alloc(64 * 1024, 1);
      const ballast: string[] = [];
      for (;;) {
        const file = join(ballastDir, `b${ballast.length}`);
        try {
          writeFileSync(file, chunk);
          ballast.push(file);
        } catch {
          rmSync(file, { force: true });
          break;
        }
      }
      for (const file of ballast.splice(0, 2)) unlinkSync(file);

      const answers: Answer[] = [];
      for (const [i, participantId] of participants.entries()) {
        answers.push(await allocate(servers[i % 2].url, tokens[i % 2], participantId));
      }
      expectOnlyStorageRefusals(answers);
      expectWriteLockFree(databasePath);

      for (const file of ballast) unlinkSync(file);
      const refused = answers.filter((a) => a.status !== 201).map((a) => a.participantId);
      for (const [i, participantId] of refused.entries()) {
        const retry = await allocate(servers[i % 2].url, tokens[i % 2], participantId);
        expect(retry.status).toBe(201);
        answers.push(retry);
      }
      for (const server of servers) await server.stop();
      servers.length = 0;
      expectAcknowledgedInFile(databasePath, answers);
    } catch (error) {
      for (const [i, server] of servers.entries())
        (error as Error).message += `\nserver ${i} output:\n${server.output()}`;
      throw error;
    } finally {
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
      execFileSync('umount', [root]);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
