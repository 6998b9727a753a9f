import { Answer } from './support/http-client';
import { describeOnPostgres, PostgresCluster, startPostgresCluster } from './support/postgres';
import {
  allocate,
  expectStoredAsTold,
  ProcessTrial,
  startProcessTrial,
} from './support/postgres-trial';
import { TestDatabase } from './support/test-database';
import { waitFor } from './support/webhook-receiver';

/**
 * The database server fails under the servers' load: it crashes (`pg_ctl stop -m immediate`,
 * every connection cut, no checkpoint) or an operator ends their connections
 * (pg_terminate_backend). What the client is told must match what is stored: every 201 is in the
 * database after the restart, and a write that failed is a 503 STORAGE_UNAVAILABLE with a
 * Retry-After, never a 201 and never a 500. The server processes recover without a restart of
 * their own. Each participant's allocation carries its own Idempotency-Key, so a 503 whose COMMIT
 * did reach the database (the answer was lost, not the change) is settled by asking again: the
 * replay says 201 with the stored slot.
 */

const SERVERS = 2;
/** Participants of each test: the two tests share one trial (its server starts cost the most). */
const PER_TEST = 40;
const CLIENTS = 8;
/** Upper bounds that only a hung test reaches, not speed targets. */
const RECOVERY_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

interface Ledger {
  /** 201 answers: participant -> slot. */
  told: Map<string, number>;
  asked: Set<string>;
  /** Every answer that was not a 201, with where it came from. */
  refused: { participantId: string; status: number; body: Record<string, unknown> }[];
}

/** What a client may be told while the database fails: 201, or a retryable 503 with its code. */
function expectOnlyStorageRefusals(ledger: Ledger): void {
  const wrong = ledger.refused.filter(
    (a) =>
      !(
        a.status === 503 &&
        a.body.code === 'STORAGE_UNAVAILABLE' &&
        /^\d+$/.test(String(a.body.retryAfter))
      ),
  );
  expect(wrong).toEqual([]);
}

/**
 * CLIENTS clients allocate every participant, spread over the servers; `fault` is called after
 * each 201 with how many have arrived, and may fail the database meanwhile.
 */
async function allocateAll(
  t: ProcessTrial,
  participants: string[],
  ledger: Ledger,
  fault: (answered: number) => void,
): Promise<void> {
  let next = 0;
  let answered = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (next < participants.length) {
        const id = participants[next++];
        ledger.asked.add(id);
        const answer: Answer = await allocate(t.servers[client % SERVERS].url, t.pharmacist, id);
        if (answer.status === 201) {
          ledger.told.set(id, answer.body.slot as number);
          answered += 1;
          fault(answered);
        } else {
          ledger.refused.push({ participantId: id, ...answer });
        }
      }
    }),
  );
}

/** Every process answers ready again (its database check is a committed write). */
async function waitUntilReady(t: ProcessTrial): Promise<void> {
  for (const server of t.servers) {
    await waitFor(async () => {
      try {
        return (await fetch(`${server.url}/api/health/ready`)).status === 200;
      } catch {
        return false;
      }
    }, RECOVERY_MS);
  }
}

/** Asks again for every refused participant, of the other server: each must now be 201. */
async function settleRefused(t: ProcessTrial, ledger: Ledger): Promise<void> {
  for (const [i, { participantId }] of ledger.refused.splice(0).entries()) {
    const answer = await allocate(t.servers[(i + 1) % SERVERS].url, t.pharmacist, participantId);
    expect({ participantId, status: answer.status, body: answer.body }).toMatchObject({
      participantId,
      status: 201,
    });
    ledger.told.set(participantId, answer.body.slot as number);
  }
}

describeOnPostgres('Storage faults on PostgreSQL (the database server fails under load)', () => {
  let cluster: PostgresCluster;
  let t: ProcessTrial;
  /** Both tests' answers: the second starts from what the first left in the database. */
  const ledger: Ledger = { told: new Map(), asked: new Set(), refused: [] };
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    t = await startProcessTrial(cluster, {
      servers: SERVERS,
      participants: 2 * PER_TEST,
      seed: 'pg-storage-faults-seed',
    });
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  });

  it(
    'a database server crash mid-load (pg_ctl stop -m immediate): only 201 or 503 STORAGE_UNAVAILABLE, every 201 stored after the restart, the processes recover by themselves',
    async () => {
      let inspector = t.inspector();
      try {
        const crashAfter = randomInt(3, 15);
        let crashed: Promise<void> | undefined;
        await allocateAll(t, t.participants.slice(0, PER_TEST), ledger, (answered) => {
          // The crash comes while the other clients' allocations are in flight.
          if (answered >= crashAfter) crashed ??= cluster.halt('immediate');
        });
        await crashed;
        // The crash cut the load: some were refused, and each refusal says so properly.
        expect(ledger.refused.length).toBeGreaterThan(0);
        expectOnlyStorageRefusals(ledger);
        // While the database is down, a request is refused the same way, not hung or a 500.
        const down = await allocate(
          t.servers[0].url,
          t.pharmacist,
          ledger.refused[0].participantId,
        );
        expect({ status: down.status, code: down.body.code }).toEqual({
          status: 503,
          code: 'STORAGE_UNAVAILABLE',
        });
        const ready = await fetch(`${t.servers[1].url}/api/health/ready`);
        expect(ready.status).toBe(503);

        await cluster.resume();
        await waitUntilReady(t);
        // What was acknowledged before the crash survived the crash recovery.
        await inspector.close();
        inspector = t.inspector();
        await expectStoredAsTold(inspector, ledger.told, ledger.asked, 'after the crash');
        await settleRefused(t, ledger);
        expect(ledger.told.size).toBe(PER_TEST);
        await expectStoredAsTold(inspector, ledger.told, ledger.asked, 'after the retries');
      } catch (error) {
        (error as Error).message += `\n${t.outputs()}`;
        throw error;
      } finally {
        await inspector.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "the servers' connections ended mid-load (pg_terminate_backend, again and again): only 201 or 503 STORAGE_UNAVAILABLE, every 201 stored, every refusal settled by asking again",
    async () => {
      // Opened only after the terminations, which would end its connection too.
      let inspector: TestDatabase | undefined;
      try {
        const terminations: Promise<number>[] = [];
        // Every few acknowledged allocations, every connection of the servers is ended.
        await allocateAll(t, t.participants.slice(PER_TEST), ledger, (answered) => {
          if (answered % 4 === 0 && terminations.length < 10)
            terminations.push(cluster.terminateConnections(t.databaseUrl));
        });
        const ended = await Promise.all(terminations);
        expect(ended.length).toBeGreaterThan(0);
        expect(ended.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expectOnlyStorageRefusals(ledger);
        // No restart: the same processes take writes again on new connections.
        await waitUntilReady(t);
        await settleRefused(t, ledger);
        expect(ledger.told.size).toBe(2 * PER_TEST);
        inspector = t.inspector();
        await expectStoredAsTold(inspector, ledger.told, ledger.asked, 'after the terminations');
      } catch (error) {
        (error as Error).message += `\n${t.outputs()}`;
        throw error;
      } finally {
        await inspector?.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
