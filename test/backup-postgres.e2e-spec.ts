import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findPostgresTool } from '../src/cli/backup-postgres';
import { call, expectStatus, login } from './support/http-client';
import {
  describeOnPostgres,
  PostgresCluster,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, registration } from './support/trial-fixtures';
import {
  ADMIN_PASSWORD,
  tempDirsRemovedAfterAll,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';

/**
 * `npm run cli -- backup` on PostgreSQL: a pg_dump custom-format archive taken while a server
 * allocates, checked by restoring it into a scratch database and verifying its audit chain
 * against the live head, and restorable with pg_restore into a server that verifies and serves.
 */

const PARTICIPANTS = 20; // the trial file's target size
const CLIENTS = 4;
const ALLOCATED_BEFORE_BACKUP = 10;
const CLI_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 300_000;
const ROOT = join(__dirname, '..');
const trial = nctTrial();

function runCliProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli', 'main.ts'), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish in ${CLI_TIMEOUT_MS} ms:\n${stdout}${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function queryRows<T>(cluster: PostgresCluster, url: string, sql: string): Promise<T[]> {
  const client = await cluster.connect(url);
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const scratchDatabases = (cluster: PostgresCluster) =>
  queryRows<{ datname: string }>(
    cluster,
    cluster.url('postgres'),
    "SELECT datname FROM pg_database WHERE datname LIKE '%backup_check%'",
  );

async function allocatedSlots(cluster: PostgresCluster, url: string): Promise<Map<string, number>> {
  const rows = await queryRows<{ id: string; slot: number }>(
    cluster,
    url,
    'SELECT participant_id AS id, slot FROM slots WHERE participant_id IS NOT NULL',
  );
  return new Map(rows.map((r) => [r.id, Number(r.slot)]));
}

/** A server with its users and list, and registered participants. */
async function preparedServer(env: Record<string, string>, servers: ServerProcess[]) {
  const live = await startServerProcess(env);
  servers.push(live);
  const admin = await login(live.url, 'admin', ADMIN_PASSWORD);
  for (const [username, role] of [
    ['pharm', 'pharmacist'],
    ['stat', 'statistician'],
    ['mon', 'monitor'],
  ]) {
    await expectStatus(
      call(live.url, 'POST', '/api/users', admin, {
        username,
        password: USER_PASSWORD,
        roles: [role],
      }),
      201,
      `create ${username}`,
    );
  }
  const pharmacist = await login(live.url, 'pharm', USER_PASSWORD);
  const statistician = await login(live.url, 'stat', USER_PASSWORD);
  await expectStatus(
    call(live.url, 'POST', '/api/randomization-list', statistician, {
      seed: 'pg-backup-e2e-seed-0001',
    }),
    201,
    'generate the list',
  );
  const participants: string[] = [];
  for (let i = 0; i < PARTICIPANTS; i += 1) {
    const answer = await expectStatus(
      call(live.url, 'POST', '/api/participants', pharmacist, registration(trial, `S-${i}`)),
      201,
      `register S-${i}`,
    );
    participants.push(answer.body.participantId as string);
  }
  return { live, pharmacist, participants };
}

describeOnPostgres('Backup on PostgreSQL (pg_dump)', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await sharedPostgresCluster();
  });
  afterAll(() => stopSharedPostgresCluster());
  // The directories of this file's servers, dumps and nginx: removed when its tests are done.
  const tempDir = tempDirsRemovedAfterAll();

  it(
    'dumps a live server under allocation load into one checked snapshot, never shows the password, and pg_restore gives a server that verifies and serves',
    async () => {
      const dataDir = tempDir('trial-pg-backup-');
      const backupDir = tempDir('trial-pg-backup-out-');
      const databaseUrl = await cluster.createDatabase();
      const env = testEnv(dataDir, { TRIAL_CONFIG: 'config/trials/nct02286011.json' });
      env.DATABASE_URL = databaseUrl;
      const backupPath = join(backupDir, 'trial.dump');
      const servers: ServerProcess[] = [];
      try {
        const { live, pharmacist, participants } = await preparedServer(env, servers);
        const reserved = participants.pop() as string;

        const answers = new Map<string, Record<string, unknown>>();
        let writes = 0;
        let stop = false;
        let next = 0;
        const load = Promise.all(
          Array.from({ length: CLIENTS }, async () => {
            while (!stop) {
              if (next < participants.length) {
                const id = participants[next++];
                const answer = await expectStatus(
                  call(live.url, 'POST', `/api/participants/${id}/allocation`, pharmacist),
                  201,
                  `allocate ${id}`,
                );
                answers.set(id, answer.body);
              } else {
                // Only an allocation already answered: the last ones may still be in flight at
                // another client, and re-reading one of those is a 409 NOT_ALLOCATED.
                const allocated = [...answers.keys()];
                if (allocated.length === 0) {
                  await new Promise((resolve) => setTimeout(resolve, 10));
                  continue;
                }
                const id = allocated[Math.floor(Math.random() * allocated.length)];
                await expectStatus(
                  call(live.url, 'GET', `/api/participants/${id}/allocation`, pharmacist),
                  200,
                  `re-read ${id}`,
                );
              }
              writes += 1;
            }
          }),
        );
        while (answers.size < ALLOCATED_BEFORE_BACKUP) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const answeredBefore = new Set(answers.keys());
        const writesBefore = writes;
        const backup = await runCliProcess(['backup', backupPath], env);
        const answeredAfter = new Set(answers.keys());
        const writesAfter = writes;
        stop = true;
        await load;

        expect(backup.stderr).not.toContain('Error');
        expect(backup).toMatchObject({ code: 0 });
        expect(backup.stdout).toMatch(/pg_dump \(PostgreSQL\) [\d.]+.*custom format: \d+ bytes/);
        expect(backup.stdout).toMatch(/pg_restore --list reads \d+ archive entries/);
        expect(backup.stdout).toMatch(
          /restored into the scratch database \S+ \(dropped\): \d+ audit entries \(last seq \d+\), chain valid/,
        );
        // The password is in DATABASE_URL only; nothing the command says shows it.
        expect(backup.stdout + backup.stderr).not.toContain(cluster.password);
        expect(writesAfter).toBeGreaterThan(writesBefore);
        expect(readdirSync(backupDir)).toEqual(['trial.dump']);
        expect(statSync(backupPath).mode & 0o777).toBe(0o600);
        expect(await scratchDatabases(cluster)).toEqual([]);

        // Never overwrites.
        const again = await runCliProcess(['backup', backupPath], env);
        expect(again.code).toBe(2);
        expect(again.stderr).toContain('already exists');

        // Restore as docs/operations.md says: a new database, pg_restore, the same keys.
        await servers.pop()?.stop();
        const restoredUrl = await cluster.createDatabase();
        const restoredName = new URL(restoredUrl).pathname.slice(1);
        const pgRestore = findPostgresTool('pg_restore') as string;
        const restore = spawnSync(
          pgRestore,
          [
            `--dbname=${restoredName}`,
            '--no-owner',
            '--exit-on-error',
            '--single-transaction',
            backupPath,
          ],
          {
            encoding: 'utf8',
            env: {
              PATH: process.env.PATH ?? '',
              PGHOST: cluster.host,
              PGPORT: String(cluster.port),
              PGUSER: cluster.user,
              PGPASSWORD: cluster.password,
            },
          },
        );
        expect(restore.stderr).toBe('');
        expect(restore.status).toBe(0);

        // One snapshot: every allocation answered before the dump began is in it, none that was
        // answered after it ended, each with the slot that was answered.
        const copied = await allocatedSlots(cluster, restoredUrl);
        expect([...answeredBefore].filter((id) => !copied.has(id))).toEqual([]);
        expect([...copied.keys()].filter((id) => !answeredAfter.has(id))).toEqual([]);
        expect([...copied].filter(([id, slot]) => answers.get(id)?.slot !== slot)).toEqual([]);

        // The keys and marker come from the data directory; the head journal knows the later
        // live heads, so a restore is started without it (docs: accept-head is the other way).
        const restoreDataDir = tempDir('trial-pg-restored-');
        rmSync(restoreDataDir, { recursive: true });
        mkdirSync(restoreDataDir, { mode: 0o700 });
        cpSync(dataDir, restoreDataDir, { recursive: true });
        rmSync(join(restoreDataDir, 'audit-heads.jsonl'), { force: true });
        const restored = await startServerProcess({
          ...env,
          DATA_DIR: restoreDataDir,
          DATABASE_URL: restoredUrl,
        });
        servers.push(restored);
        const monitor = await login(restored.url, 'mon', USER_PASSWORD);
        const verify = await expectStatus(
          call(restored.url, 'GET', '/api/audit-log/verify', monitor),
          200,
          'verify the restored log',
        );
        expect(verify.body).toMatchObject({ valid: true });
        const pharmacistThere = await login(restored.url, 'pharm', USER_PASSWORD);
        await expectStatus(
          call(restored.url, 'POST', `/api/participants/${reserved}/allocation`, pharmacistThere),
          201,
          'allocate on the restored server',
        );
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps no copy whose audit chain is broken (exit 1, nothing at the destination, no scratch database left); --list-only does not restore and says so',
    async () => {
      const dataDir = tempDir('trial-pg-backup-bad-');
      const backupDir = tempDir('trial-pg-backup-bad-out-');
      const databaseUrl = await cluster.createDatabase();
      const env = testEnv(dataDir, { TRIAL_CONFIG: 'config/trials/nct02286011.json' });
      env.DATABASE_URL = databaseUrl;
      const server = await startServerProcess(env);
      await server.stop();
      // Tampering as the superuser, past the append-only triggers.
      const client = await cluster.connect(databaseUrl);
      try {
        await client.query('ALTER TABLE audit_entries DISABLE TRIGGER USER');
        await client.query("UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 2");
        await client.query('ALTER TABLE audit_entries ENABLE TRIGGER USER');
      } finally {
        await client.end();
      }

      const backup = await runCliProcess(['backup', join(backupDir, 'bad.dump')], env);
      expect(backup.code).toBe(1);
      expect(backup.stdout).toContain("invalid: the copy's audit chain is broken at seq 2");
      expect(readdirSync(backupDir)).toEqual([]);
      expect(await scratchDatabases(cluster)).toEqual([]);

      const listed = await runCliProcess(
        ['backup', join(backupDir, 'listed.dump'), '--list-only'],
        env,
      );
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain('--list-only: the copy was not restored');
      expect(readdirSync(backupDir)).toEqual(['listed.dump']);
    },
    TEST_TIMEOUT_MS,
  );

  it('without pg_dump explains what to run (pg_dump custom format, pg_restore), exit 2, never the password', async () => {
    const dataDir = tempDir('trial-pg-backup-nobin-');
    const emptyBin = tempDir('trial-no-pg-bin-');
    const env = testEnv(dataDir, { DATABASE_URL: cluster.url('postgres') });
    const destination = join(dataDir, 'x.dump');
    const answer = await runCliProcess(['backup', destination, '--pg-bin', emptyBin], env);
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain(`pg_dump not found in ${emptyBin}`);
    expect(answer.stderr).toContain('pg_dump --format=custom');
    expect(answer.stderr).toContain(`pg_restore --list ${destination}`);
    expect(answer.stderr).toContain('apt-get install postgresql-client');
    expect(answer.stdout + answer.stderr).not.toContain(cluster.password);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
