import { describeOnPostgres, PostgresCluster, startPostgresCluster } from './support/postgres';
import {
  allocate,
  expectStoredAsTold,
  ProcessTrial,
  startProcessTrial,
} from './support/postgres-trial';

/**
 * Crash recovery on PostgreSQL, bounded for every `npm test` (the long soak is
 * test/crash-recovery.e2e-spec.ts, POSTGRES_E2E=all): three server processes share one database
 * and one of them is killed with SIGKILL in the middle of an allocation load, in each round
 * another one, while the database server and the other two processes live on. The dead
 * process's open transactions are the database's to roll back (its connections close with it);
 * the survivors go on allocating in the same stratum. After each round the killed process is
 * started again, and one read of the database must agree with what the clients were told:
 * every acknowledged allocation stored, no slot given twice or skipped, the chain valid.
 */

const SERVERS = 3;
/** Each round kills another process; the last one lives on (restarts cost the most). */
const ROUNDS = SERVERS - 1;
const PER_ROUND = 24;
/** The rounds' participants and a few for after the restarts. */
const PARTICIPANTS = ROUNDS * PER_ROUND + 4;
/** Clients allocating at once, each bound to one live server. */
const CLIENTS = 8;
/** The kill comes after this many 201 answers of the round, then a random few milliseconds. */
const KILL_AFTER: [number, number] = [3, 12];
const KILL_JITTER_MS = 15;
const TEST_TIMEOUT_MS = 300_000; // an upper bound for a loaded machine, not a speed target

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

interface Ledger {
  told: Map<string, number>;
  asked: Set<string>;
  /** Cut by the kill: committed or not, the client cannot know. */
  indeterminate: Set<string>;
}

/**
 * One round: the clients allocate `batch` through the live servers; after a random number of
 * 201 answers, server `victim` is killed with SIGKILL while requests to it and to the others are
 * in flight. A client whose server died stops; the others finish the batch.
 */
async function allocateThenKill(
  t: ProcessTrial,
  live: number[],
  victim: number,
  batch: string[],
  ledger: Ledger,
): Promise<{ cut: number; afterKill: number }> {
  const killAfter = randomInt(...KILL_AFTER);
  let answered = 0;
  let cut = 0;
  let afterKill = 0;
  let killed = false;
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= new Promise((resolve) => setTimeout(resolve, randomInt(0, KILL_JITTER_MS))).then(
      async () => {
        await t.servers[victim].stop('SIGKILL');
        killed = true;
      },
    );
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const server = live[client % live.length];
      while (next < batch.length) {
        const id = batch[next++];
        ledger.asked.add(id);
        let answer;
        try {
          answer = await allocate(t.servers[server].url, t.pharmacist, id);
        } catch {
          // The connection died with the server: the outcome is unknown to the client.
          ledger.indeterminate.add(id);
          cut += 1;
          return;
        }
        if (answer.status !== 201) {
          throw new Error(`allocation of ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        ledger.indeterminate.delete(id);
        ledger.told.set(id, answer.body.slot as number);
        answered += 1;
        if (killed && server !== victim) afterKill += 1;
        if (answered >= killAfter) kill();
      }
    }),
  );
  kill();
  await killing;
  return { cut, afterKill };
}

describeOnPostgres('Crash recovery on PostgreSQL (a server process killed mid-load)', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });
  afterAll(() => cluster?.stop());

  it(
    `${SERVERS} processes on one database, ${ROUNDS} rounds each killing one with SIGKILL mid-allocation: every 201 stored, no slot twice or skipped, the chain valid`,
    async () => {
      const t = await startProcessTrial(cluster, {
        servers: SERVERS,
        participants: PARTICIPANTS,
        seed: 'pg-crash-e2e-seed',
      });
      const inspector = t.inspector();
      try {
        const ledger: Ledger = { told: new Map(), asked: new Set(), indeterminate: new Set() };
        let cut = 0;
        let afterKill = 0;
        const live = Array.from({ length: SERVERS }, (_, i) => i);
        for (let round = 0; round < ROUNDS; round += 1) {
          // Requests cut by the last kill are asked again first, with the same Idempotency-Key.
          const batch = [
            ...ledger.indeterminate,
            ...t.participants.slice(round * PER_ROUND, (round + 1) * PER_ROUND),
          ];
          const victim = live[0];
          const outcome = await allocateThenKill(t, live, victim, batch, ledger);
          live.shift();
          cut += outcome.cut;
          afterKill += outcome.afterKill;
          // The database server lives on: what was told is there, with the process dead.
          await expectStoredAsTold(inspector, ledger.told, ledger.asked, `after kill ${round + 1}`);
        }
        // The killed processes start again beside the survivor, and every one of them settles
        // what the kills cut by asking again: the same slot if it was committed.
        await Promise.all(Array.from({ length: ROUNDS }, (_, i) => t.restart(i)));
        for (const [i, id] of [...ledger.indeterminate].entries()) {
          const answer = await allocate(t.servers[i % SERVERS].url, t.pharmacist, id);
          expect({ id, status: answer.status }).toEqual({ id, status: 201 });
          ledger.told.set(id, answer.body.slot as number);
        }
        // And they go on allocating, all three, from where the list stands.
        for (const [i, id] of t.participants.slice(ROUNDS * PER_ROUND).entries()) {
          const answer = await allocate(t.servers[i % SERVERS].url, t.pharmacist, id);
          ledger.asked.add(id);
          expect({ id, status: answer.status }).toEqual({ id, status: 201 });
          ledger.told.set(id, answer.body.slot as number);
        }
        expect(ledger.told.size).toBe(PARTICIPANTS);
        const taken = await expectStoredAsTold(inspector, ledger.told, ledger.asked, 'at the end');
        expect(taken).toBe(PARTICIPANTS);
        // The kills really cut requests in flight, and the survivors went on after them.
        expect(cut).toBeGreaterThan(0);
        expect(afterKill).toBeGreaterThan(0);
      } catch (error) {
        (error as Error).message += `\n${t.outputs()}`;
        throw error;
      } finally {
        await inspector.close();
        await t.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
