import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyChain } from '../src/audit/audit-chain';
import { loadAppConfig } from '../src/config/app-config';
import { BlindingCipher } from '../src/crypto/blinding-cipher';
import { slotAssociatedData } from '../src/randomization/sealing';
import { call, expectStatus, login, pool } from './support/http-client';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import {
  ADMIN_PASSWORD,
  newTempDir,
  testDatabaseEnv,
  testDatabaseKind,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';
import { TestDatabase, testDatabaseOf } from './support/test-database';

/**
 * `key rotate` against real processes on one database (a SQLite file, or on e2e-postgres a
 * database of the file's PostgreSQL cluster): killed half-way (SIGKILL) it leaves
 * the old state whole; run while a server allocates, every allocation either waits for it or is
 * answered 503 and succeeds on retry against a server restarted with the new key, and no answer
 * ever comes from a mix of old and new values.
 */
const ROOT = join(__dirname, '..');
const trial = nctTrial();
const PARTICIPANTS = 40;
/** A long list, so that the rotation's transaction takes a while under the allocations. */
const SLOTS = 3000;
const CONCURRENCY = 6;

interface SealedState {
  seed: string;
  nonce: string;
  slots: {
    id: number;
    stratum: string;
    slot: number;
    target: string;
    participant: string | null;
  }[];
  keyVersion: number;
  rotationRows: number;
  rotatedEntries: number;
  integrityFailures: number;
}

async function sealedState(database: TestDatabase): Promise<SealedState> {
  const [list] = await database.query<{ seed: string; nonce: string }>(
    'SELECT seed_sealed AS seed, nonce_sealed AS nonce FROM randomization_lists',
  );
  const entries = await database.auditEntries();
  expect(verifyChain(entries).valid).toBe(true);
  const [key] = await database.query<{ v: number | string }>(
    "SELECT key_version AS v FROM key_checks WHERE purpose = 'blinding'",
  );
  return {
    ...list,
    slots: await database.query<SealedState['slots'][number]>(
      'SELECT id, stratum, slot, target_sealed AS target, participant_id AS participant FROM slots ORDER BY id',
    ),
    keyVersion: Number(key.v),
    rotationRows: await database.count('key_rotation_in_progress'),
    rotatedEntries: entries.filter((e) => e.action === 'BLINDING_KEY_ROTATED').length,
    integrityFailures: entries.filter((e) => e.action === 'LIST_INTEGRITY_FAILED').length,
  };
}

/** Each slot's target opened under `cipher` (throws on any value the key cannot open). */
function targets(state: SealedState, cipher: BlindingCipher): string[] {
  return state.slots.map((s) =>
    cipher.decrypt(s.target, slotAssociatedData(trial.protocolId, 1, s.stratum, s.slot)),
  );
}

function runChild(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

async function waitForOutput(
  run: ReturnType<typeof runChild>,
  text: string,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`child exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" from the child:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`Blinding key rotation against real processes (${testDatabaseKind()})`, () => {
  let dataDir: string;
  let env: Record<string, string>;
  let database: TestDatabase;
  let newKeyFile: string;
  let oldCipher: BlindingCipher;
  let newKey: Buffer;
  let participants: string[];
  let server: ServerProcess | undefined;
  let plaintext: string[];

  beforeAll(async () => {
    dataDir = newTempDir('trial-rotate-');
    const trialFile = join(dataDir, 'trial.json');
    const design = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as {
      randomization: Record<string, unknown>;
    };
    writeFileSync(
      trialFile,
      JSON.stringify({
        ...design,
        targetSize: PARTICIPANTS,
        randomization: { ...design.randomization, slotsPerStratum: SLOTS },
      }),
    );
    env = testEnv(dataDir, { TRIAL_CONFIG: trialFile, ...(await testDatabaseEnv({})) });
    database = testDatabaseOf(loadAppConfig(env));
    oldCipher = new BlindingCipher(Buffer.from(env.BLINDING_KEY, 'base64'), 1);
    newKey = randomBytes(32);
    newKeyFile = join(dataDir, 'blinding-v2.key');
    writeFileSync(newKeyFile, `${newKey.toString('base64')}\n`, { mode: 0o600 });

    server = await startServerProcess(env);
    const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    for (const [username, role] of [
      ['pharm', 'pharmacist'],
      ['stat', 'statistician'],
    ]) {
      await expectStatus(
        call(server.url, 'POST', '/api/users', admin, {
          username,
          password: USER_PASSWORD,
          roles: [role],
        }),
        201,
        `create ${username}`,
      );
    }
    const statistician = await login(server.url, 'stat', USER_PASSWORD);
    await expectStatus(
      call(server.url, 'POST', '/api/randomization-list', statistician, {
        seed: 'key-rotation-crash-seed',
      }),
      201,
      'generate the list',
    );
    const pharmacist = await login(server.url, 'pharm', USER_PASSWORD);
    participants = [];
    for (let i = 0; i < PARTICIPANTS; i += 1) {
      const answer = await expectStatus(
        call(server.url, 'POST', '/api/participants', pharmacist, registration(trial, `SCR-${i}`)),
        201,
        `register SCR-${i}`,
      );
      participants.push(answer.body.participantId as string);
    }
    await server.stop();
    server = undefined;
    plaintext = targets(await sealedState(database), oldCipher);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a rotation killed half-way (SIGKILL) leaves the old state whole: the old key starts and allocates', async () => {
    const before = await sealedState(database);
    const run = runChild(['test/support/rotate-then-hang.ts', newKeyFile, String(SLOTS / 2)], env);
    try {
      await waitForOutput(run, 'HALFWAY');
      // Half the slots re-sealed, uncommitted: a reader sees none of it.
      expect(await sealedState(database)).toEqual(before);
      run.child.kill('SIGKILL');
      await run.exited;
    } finally {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
    expect(run.child.signalCode).toBe('SIGKILL');
    expect(run.output()).not.toContain('COMMITTED');

    const after = await sealedState(database);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ keyVersion: 1, rotationRows: 0, rotatedEntries: 0 });
    expect(after.slots.every((s) => s.target.startsWith('v1.'))).toBe(true);

    server = await startServerProcess(env);
    const pharmacist = await login(server.url, 'pharm', USER_PASSWORD);
    const first = await expectStatus(
      call(server.url, 'POST', `/api/participants/${participants[0]}/allocation`, pharmacist),
      201,
      'allocate after the interrupted rotation',
    );
    expect(first.body).toMatchObject({ slot: 1, cellLimb: plaintext[0] });
  });

  it('a rotation under allocation load: each allocation waits or gets 503, and succeeds on retry with the new key', async () => {
    if (!server) throw new Error('the previous test leaves the server running');
    const running = server;
    const pharmacist = await login(running.url, 'pharm', USER_PASSWORD);
    const pending = participants.slice(1);
    const answers = new Map<string, { status: number; body: Record<string, unknown> }>();
    let rotation: ReturnType<typeof runChild> | undefined;
    const heldBack = new Set<string>();
    await pool(pending, CONCURRENCY, async (participantId) => {
      // The rotation starts once allocations are flowing, and they keep coming while it runs.
      if (rotation === undefined && answers.size >= 3) {
        rotation = runChild(
          [
            'src/cli/main.ts',
            'key',
            'rotate',
            '--new-key-file',
            newKeyFile,
            '--reason',
            'rotation under load',
          ],
          env,
        );
      }
      if (rotation !== undefined && answers.size >= pending.length - 2 * CONCURRENCY) {
        // Hold the last allocations back until the rotation has committed: they must see it.
        heldBack.add(participantId);
        await rotation.exited;
      }
      const answer = await call(
        running.url,
        'POST',
        `/api/participants/${participantId}/allocation`,
        pharmacist,
      );
      answers.set(participantId, answer);
    });
    if (!rotation) throw new Error('the rotation never started');
    expect(await rotation.exited).toBe(0);
    expect(rotation.output()).toMatch(/from version 1 to version 2/);

    const statuses = [...answers.values()].map((a) => a.status);
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    const refused = [...answers].filter(([, a]) => a.status === 503);
    // The allocations held back until after the commit all met the rotated list.
    expect(heldBack.size).toBeGreaterThan(0);
    for (const participantId of heldBack) expect(answers.get(participantId)?.status).toBe(503);
    for (const [, a] of refused) expect(a.body.code).toBe('BLINDING_KEY_ROTATED');

    // The old server holds a key the database no longer accepts; it restarts with the new one.
    const ready = await call(running.url, 'GET', '/api/health/ready');
    expect(ready.status).toBe(503);
    await running.stop();
    server = await startServerProcess({ ...env, BLINDING_KEY: newKey.toString('base64') });
    const restarted = server;
    const retrying = await login(restarted.url, 'pharm', USER_PASSWORD);
    for (const [participantId] of refused) {
      answers.set(
        participantId,
        await expectStatus(
          call(restarted.url, 'POST', `/api/participants/${participantId}/allocation`, retrying),
          201,
          `retry ${participantId}`,
        ),
      );
    }

    const state = await sealedState(database);
    expect(state).toMatchObject({
      keyVersion: 2,
      rotationRows: 0,
      rotatedEntries: 1,
      integrityFailures: 0,
    });
    expect(state.slots.every((s) => s.target.startsWith('v2.'))).toBe(true);
    // Every slot holds the target of before, and every answer is its slot's target.
    expect(targets(state, new BlindingCipher(newKey, 2))).toEqual(plaintext);
    const slotOf = new Map(
      state.slots.filter((s) => s.participant !== null).map((s) => [s.participant, s.slot]),
    );
    expect(slotOf.size).toBe(PARTICIPANTS);
    for (const [participantId, answer] of answers) {
      expect(answer.status).toBe(201);
      expect(answer.body.slot).toBe(slotOf.get(participantId));
      expect(answer.body.cellLimb).toBe(plaintext[Number(answer.body.slot) - 1]);
    }
    // The old key is refused at start, naming the versions.
    await restarted.stop();
    server = undefined;
    await expect(startServerProcess(env, 60_000)).rejects.toThrow(
      /BLINDING_KEY.*version 1.*older than version 2/,
    );
  });
});
