import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabaseFile, readAuditEntries, verifyAuditFile } from './support/database-file';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, newTempDir, testEnv, USER_PASSWORD } from './support/test-app';
import { call, expectStatus, login } from './support/http-client';

/**
 * `npm run cli -- backup` while a server keeps allocating gives a copy that is a consistent
 * snapshot, and that copy restored under the same keys is a working, verifiable server.
 */

const PARTICIPANTS = 300;
/** Clients allocating while the backup is taken. */
const CLIENTS = 6;
/** The backup starts once this many allocations have been answered. */
const ALLOCATED_BEFORE_BACKUP = 20;
const CLI_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 300_000;

const ROOT = join(__dirname, '..');
const trial = nctTrial();

/** Runs the real command line as an operator would, with the server's environment. */
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

function allocatedSlots(databasePath: string): Map<string, number> {
  const db = openDatabaseFile(databasePath);
  try {
    const rows = db
      .prepare('SELECT participant_id AS id, slot FROM slots WHERE participant_id IS NOT NULL')
      .all() as { id: string; slot: number }[];
    return new Map(rows.map((r) => [r.id, r.slot]));
  } finally {
    db.close();
  }
}

describe('Backup and restore', () => {
  it(
    'backs up a live server under allocation load; the copy restored with the same keys starts, verifies and serves',
    async () => {
      const dataDir = newTempDir('trial-backup-');
      const restoreDir = newTempDir('trial-restore-');
      const trialFile = join(dataDir, 'trial.json');
      const design = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as Record<string, unknown>;
      writeFileSync(trialFile, JSON.stringify({ ...design, targetSize: PARTICIPANTS }));
      const env = testEnv(dataDir, { TRIAL_CONFIG: trialFile });
      const databasePath = join(dataDir, 'trial.sqlite');
      const backupPath = join(restoreDir, 'restored.sqlite');
      const servers: ServerProcess[] = [];
      try {
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
            seed: 'backup-restore-e2e-seed',
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

        // Kept out of the load, to be allocated on the restored server.
        const reserved = participants.pop() as string;

        // Writes that go on until told to stop: allocations while participants are left, then
        // re-reads (each one an audited write too). Every 201 is kept with its answer.
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
                const id = participants[Math.floor(Math.random() * participants.length)];
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

        // The backup, with the database path taken from the server's own environment.
        const answeredBefore = new Set(answers.keys());
        const writesBefore = writes;
        const backup = await runCliProcess(['backup', backupPath], env);
        const answeredAfter = new Set(answers.keys());
        const writesAfter = writes;
        await new Promise((resolve) => setTimeout(resolve, 100));
        stop = true;
        await load;
        expect(backup).toMatchObject({ code: 0 });
        expect(backup.stdout).toMatch(/copied \d+ pages of \d+ bytes \(\d+ bytes\) in [\d.]+ s/);
        expect(backup.stdout).toContain('integrity_check ok');
        // Writes went on while the command ran, and after it.
        expect(writesAfter).toBeGreaterThan(writesBefore);
        expect(writes).toBeGreaterThan(writesAfter);

        // Only the backup itself is left in its folder (no partial, no -journal), owner-only.
        expect(readdirSync(restoreDir)).toEqual(['restored.sqlite']);
        expect(statSync(backupPath).mode & 0o777).toBe(0o600);

        // A second backup to the same path is refused and leaves the first alone.
        const before = readFileSync(backupPath);
        const again = await runCliProcess(['backup', backupPath], env);
        expect(again.code).toBe(2);
        expect(again.stderr).toContain('already exists');
        expect(readFileSync(backupPath).equals(before)).toBe(true);

        // The copy is one consistent snapshot: every allocation answered before the backup began
        // is in it, nothing answered after it ended is, and each is the slot that was answered.
        expect(verifyAuditFile(backupPath)).toMatchObject({ valid: true });
        const copied = allocatedSlots(backupPath);
        expect([...answeredBefore].filter((id) => !copied.has(id))).toEqual([]);
        expect([...copied.keys()].filter((id) => !answeredAfter.has(id))).toEqual([]);
        expect([...copied].filter(([id, slot]) => answers.get(id)?.slot !== slot)).toEqual([]);
        const copiedDb = openDatabaseFile(backupPath);
        try {
          expect(copiedDb.pragma('integrity_check', { simple: true })).toBe('ok');
          const allocatedEntries = readAuditEntries(copiedDb).filter(
            (e) => e.action === 'ALLOCATED',
          );
          expect(
            allocatedEntries.map((e) => `${e.participantId}:${e.details.slot as number}`).sort(),
          ).toEqual([...copied].map(([id, slot]) => `${id}:${slot}`).sort());
        } finally {
          copiedDb.close();
        }
        await live.stop();
        // The live file holds every allocation answered, before, during and after the backup.
        expect(allocatedSlots(databasePath).size).toBe(answers.size);

        // Restore: a new data directory, the copy as its database, the same keys.
        const restoredEnv = {
          ...env,
          DATA_DIR: restoreDir,
          DATABASE_PATH: backupPath,
          AUDIT_SIGNING_KEY_FILE: join(dataDir, 'audit-signing.pem'),
        };
        // Without the same blinding key the restored copy does not start.
        await expect(
          startServerProcess({
            ...restoredEnv,
            BLINDING_KEY: Buffer.alloc(32, 7).toString('base64'),
          }),
        ).rejects.toThrow(/server exited early/);

        const restored = await startServerProcess(restoredEnv);
        servers.push(restored);
        const monitor = await login(restored.url, 'mon', USER_PASSWORD);
        const verified = await expectStatus(
          call(restored.url, 'GET', '/api/audit-log/verify', monitor),
          200,
          'verify the restored audit log',
        );
        expect(verified.body).toMatchObject({ valid: true });
        // The list was decrypted, regenerated from its seed and matched its commitment at start.
        const afterStart = openDatabaseFile(backupPath);
        try {
          expect(
            readAuditEntries(afterStart).filter((e) => e.action === 'LIST_INTEGRITY_FAILED'),
          ).toEqual([]);
        } finally {
          afterStart.close();
        }
        // The sealed slots open with the restored key: a copied allocation reads back the same,
        // and the next participant is allocated the next free slot.
        const restoredPharmacist = await login(restored.url, 'pharm', USER_PASSWORD);
        const [someCopied] = copied.keys();
        const reread = await expectStatus(
          call(
            restored.url,
            'GET',
            `/api/participants/${someCopied}/allocation`,
            restoredPharmacist,
          ),
          200,
          're-read a restored allocation',
        );
        expect(reread.body).toEqual(answers.get(someCopied));
        const allocated = await expectStatus(
          call(
            restored.url,
            'POST',
            `/api/participants/${reserved}/allocation`,
            restoredPharmacist,
          ),
          201,
          'allocate on the restored server',
        );
        expect(allocated.body.slot).toBe(Math.max(...copied.values()) + 1);
        expect(verifyAuditFile(backupPath)).toMatchObject({ valid: true });
      } catch (error) {
        for (const server of servers) (error as Error).message += `\n${server.output()}`;
        throw error;
      } finally {
        await Promise.all(servers.map((s) => s.stop('SIGKILL')));
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(restoreDir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
