import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppConfig } from '../src/config/app-config';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import {
  ADMIN_PASSWORD,
  newTempDir,
  testDatabaseEnv,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';
import { TestDatabase, testDatabaseOf } from './support/test-database';
import { Answer, call, expectStatus, login, pool } from './support/http-client';

/**
 * A server killed with SIGKILL in the middle of an allocation load loses nothing it answered,
 * keeps an intact file, a valid chain, and exactly one ALLOCATED entry per allocated slot. On
 * PostgreSQL (project e2e-postgres) the server process dies the same way while the database server
 * lives on: the killed process's connections and open transactions are the database's to end.
 */

/** Kill-and-restart rounds; a longer soak: CRASH_ROUNDS=200 npx jest test/crash-recovery. */
const ROUNDS = soakRounds(20);
/** Clients allocating at once during a round. */
const CLIENTS = 8;
/** New participants offered to each round: the load of a round is bounded, so the list lasts. */
const PARTICIPANTS_PER_ROUND = 80;
/** Slots of the trial file written for this test (and participants registered). */
const SLOTS = Math.max(2000, ROUNDS * PARTICIPANTS_PER_ROUND);
/** A round's kill comes once between these many 201 answers have arrived, then a random delay. */
const KILL_AFTER_ANSWERS: [number, number] = [5, PARTICIPANTS_PER_ROUND - 2 * CLIENTS];
const KILL_JITTER_MS = 15;
/** Registrations in flight at once while the participants are registered up front. */
const REGISTRATION_CONCURRENCY = 16;
// Upper bounds that only a hung test reaches: a loaded 2-core machine must not fail these.
const TEST_TIMEOUT_MS = 300_000 + ROUNDS * 20_000;

function soakRounds(fallback: number): number {
  const text = process.env.CRASH_ROUNDS;
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new Error(`CRASH_ROUNDS: not a count: ${text}`);
  return Number(text);
}

const trial = nctTrial();

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** What the clients were told, across every round. */
interface Ledger {
  /** 201 answers: participant -> slot. */
  allocated: Map<string, number>;
  /** Requests cut by the kill: the allocation may or may not have been committed. */
  indeterminate: Set<string>;
  /** Every participant an allocation was ever asked for. */
  attempted: Set<string>;
}

/** One final read of the database, checked against the ledger; returns how many slots are taken. */
async function checkDatabase(
  database: TestDatabase,
  ledger: Ledger,
  round: number,
): Promise<number> {
  const where = `after restart ${round}`;
  if (database.kind === 'sqlite') {
    expect({ where, integrity: await database.query('PRAGMA integrity_check') }).toEqual({
      where,
      integrity: [{ integrity_check: 'ok' }],
    });
  }
  const slots = (
    await database.query<{ participantId: string; slot: number | string }>(
      'SELECT participant_id AS "participantId", slot FROM slots WHERE participant_id IS NOT NULL',
    )
  ).map((s) => ({ participantId: s.participantId, slot: Number(s.slot) }));
  const slotOf = new Map(slots.map((s) => [s.participantId, s.slot]));
  const markedAllocated = (
    await database.query<{ id: string }>(
      'SELECT participant_id AS id FROM participants WHERE allocated_at IS NOT NULL',
    )
  ).map((p) => p.id);

  const entries = await database.auditEntries();
  const allocatedEntries = entries.filter((e) => e.action === 'ALLOCATED');
  const entriesOf = new Map<string, number[]>();
  for (const entry of allocatedEntries) {
    const id = entry.participantId ?? '(none)';
    entriesOf.set(id, [...(entriesOf.get(id) ?? []), entry.details.slot as number]);
  }

  // Every ALLOCATED entry names exactly one allocated slot, and every allocated slot has one entry.
  const mismatched = [...entriesOf].filter(
    ([id, entrySlots]) => entrySlots.length !== 1 || slotOf.get(id) !== entrySlots[0],
  );
  const withoutEntry = slots.filter((s) => !entriesOf.has(s.participantId));
  expect({ where, mismatched, withoutEntry }).toEqual({
    where,
    mismatched: [],
    withoutEntry: [],
  });
  expect(allocatedEntries).toHaveLength(slots.length);
  // The participant row and the slot row were committed together.
  expect({ where, marked: [...markedAllocated].sort() }).toEqual({
    where,
    marked: [...slotOf.keys()].sort(),
  });
  // Nothing answered 201 is lost or moved; nothing appears that no client asked for.
  const lost = [...ledger.allocated].filter(([id, slot]) => slotOf.get(id) !== slot);
  const unexpected = [...slotOf.keys()].filter((id) => !ledger.attempted.has(id));
  expect({ where, lost, unexpected }).toEqual({ where, lost: [], unexpected: [] });
  expect(entries.filter((e) => e.action === 'LIST_INTEGRITY_FAILED')).toEqual([]);
  return slots.length;
}

/**
 * One round of load: CLIENTS clients allocate the round's participants until a random number of
 * 201 answers has arrived, then, after a random few milliseconds, the server is killed with
 * SIGKILL while the other clients' requests are still in flight.
 */
async function allocateThenKill(
  server: ServerProcess,
  token: string,
  participants: string[],
  ledger: Ledger,
): Promise<{ answered: number; cut: number }> {
  const killAfter = randomInt(...KILL_AFTER_ANSWERS);
  let answered = 0;
  let cut = 0;
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= new Promise<void>((resolve) =>
      setTimeout(resolve, randomInt(0, KILL_JITTER_MS)),
    ).then(() => server.stop('SIGKILL'));
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < participants.length) {
        const id = participants[next++];
        ledger.attempted.add(id);
        let answer: Answer;
        try {
          answer = await call(server.url, 'POST', `/api/participants/${id}/allocation`, token);
        } catch {
          // The connection died with the server: the outcome is unknown to the client.
          ledger.indeterminate.add(id);
          cut += 1;
          return;
        }
        ledger.indeterminate.delete(id);
        if (answer.status === 201) {
          ledger.allocated.set(id, answer.body.slot as number);
          answered += 1;
          if (answered >= killAfter) kill();
        } else if (!(
          answer.status === 409 && String(answer.body.message).includes('already allocated')
        )) {
          throw new Error(`allocation of ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }
    }),
  );
  kill();
  await killing;
  return { answered, cut };
}

describe('Crash recovery (SIGKILL under allocation load)', () => {
  it(
    `keeps every 201, an intact file, a valid chain and one ALLOCATED entry per slot across ${ROUNDS} kills`,
    async () => {
      const dataDir = newTempDir('trial-crash-');
      const trialFile = join(dataDir, 'trial-2000.json');
      const design = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as Record<string, unknown>;
      writeFileSync(
        trialFile,
        JSON.stringify({
          ...design,
          targetSize: SLOTS,
          participantIds: { prefix: 'ELA-', digits: 4 },
        }),
      );
      // SQLite: trial.sqlite in the data directory; PostgreSQL: a database of the file's cluster.
      const env = testEnv(dataDir, { TRIAL_CONFIG: trialFile, ...(await testDatabaseEnv({})) });
      // Read from outside the server, as an inspector would: its own connection, never the server's.
      const database = testDatabaseOf(loadAppConfig(env));
      let server: ServerProcess | undefined;
      try {
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
        const pharmacist = await login(server.url, 'pharm', USER_PASSWORD);
        const statistician = await login(server.url, 'stat', USER_PASSWORD);
        await expectStatus(
          call(server.url, 'POST', '/api/randomization-list', statistician, {
            seed: 'crash-recovery-e2e-seed',
          }),
          201,
          'generate the list',
        );

        const participants: string[] = [];
        const url = server.url;
        await pool(
          Array.from({ length: SLOTS }, (_, i) => i + 1),
          REGISTRATION_CONCURRENCY,
          async (i) => {
            const answer = await expectStatus(
              call(url, 'POST', '/api/participants', pharmacist, registration(trial, `SCR-${i}`)),
              201,
              `register SCR-${i}`,
            );
            participants.push(answer.body.participantId as string);
          },
        );
        expect(participants).toHaveLength(SLOTS);

        const ledger: Ledger = {
          allocated: new Map(),
          indeterminate: new Set(),
          attempted: new Set(),
        };
        let offered = 0;
        let totalCut = 0;
        for (let round = 1; round <= ROUNDS; round += 1) {
          // Requests cut by the last kill are asked again first: each must now be 201 or 409.
          const batch = [
            ...ledger.indeterminate,
            ...participants.slice(offered, offered + PARTICIPANTS_PER_ROUND),
          ];
          offered += PARTICIPANTS_PER_ROUND;
          const { cut } = await allocateThenKill(server, pharmacist, batch, ledger);
          totalCut += cut;
          server = await startServerProcess(env);
          expect({ round, chain: await database.verifyAudit() }).toMatchObject({
            round,
            chain: { valid: true },
          });
          await checkDatabase(database, ledger, round);
        }
        // The load really was cut mid-flight, and really allocated.
        expect(totalCut).toBeGreaterThan(0);
        expect(ledger.allocated.size).toBeGreaterThan(ROUNDS * KILL_AFTER_ANSWERS[0]);
      } catch (error) {
        if (server) (error as Error).message += `\nlast server output:\n${server.output()}`;
        throw error;
      } finally {
        await server?.stop('SIGKILL');
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
