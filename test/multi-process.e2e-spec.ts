import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyChain } from '../src/audit/audit-chain';
import { BlindingCipher } from '../src/crypto/blinding-cipher';
import { slotAssociatedData } from '../src/randomization/sealing';
import { openDatabaseFile, readAuditEntries } from './support/database-file';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, newTempDir, testEnv, USER_PASSWORD } from './support/test-app';
import { call, expectStatus, login, pool } from './support/http-client';

/**
 * Several server processes on one SQLite file, checked the Jepsen way: the clients keep every
 * answer; one final read of the database must agree with them. Nothing answered is lost, nothing
 * is duplicated, nothing appears that was not answered.
 */

const SERVERS = 3;
/** Participants registered (the trial's target size). */
const PARTICIPANTS = 300;
/** Slots in the list: fewer than participants, so the list runs out under contention too. */
const SLOTS = 240;
/** Each participant's allocation is asked this many times, each time of another server. */
const ASKS_PER_PARTICIPANT = 2;
/** Requests in flight at once, over all servers. */
const CONCURRENCY = 24;
const TEST_TIMEOUT_MS = 600_000; // an upper bound for a loaded machine, not a speed target

const trial = nctTrial();

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

interface AllocationAnswer {
  participantId: string;
  server: number;
  status: number;
  body: Record<string, unknown>;
}

interface SlotRow {
  listId: number;
  stratum: string;
  slot: number;
  targetSealed: string;
  participantId: string | null;
}

describe(`Several server processes on one database file`, () => {
  it(
    `${SERVERS} processes: allocations spread over them lose nothing, duplicate nothing, invent nothing`,
    async () => {
      const dataDir = newTempDir('trial-multi-');
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
      const env = testEnv(dataDir, { TRIAL_CONFIG: trialFile });
      const databasePath = join(dataDir, 'trial.sqlite');
      const servers: ServerProcess[] = [];
      try {
        // The first start runs the migrations and creates admin; the others join it.
        for (let i = 0; i < SERVERS; i += 1) servers.push(await startServerProcess(env));
        const urls = servers.map((s) => s.url);
        const admin = await login(urls[0], 'admin', ADMIN_PASSWORD);
        const pharmacists = ['pharm0', 'pharm1', 'pharm2'];
        for (const [username, role] of [
          ...pharmacists.map((p) => [p, 'pharmacist']),
          ['stat', 'statistician'],
        ]) {
          await expectStatus(
            call(urls[0], 'POST', '/api/users', admin, {
              username,
              password: USER_PASSWORD,
              roles: [role],
            }),
            201,
            `create ${username}`,
          );
        }
        // Each server signs in its own pharmacist: tokens are accepted by every process alike.
        const tokens = await Promise.all(
          urls.map((url, i) => login(url, pharmacists[i % pharmacists.length], USER_PASSWORD)),
        );
        const statistician = await login(urls[1], 'stat', USER_PASSWORD);
        await expectStatus(
          call(urls[1], 'POST', '/api/randomization-list', statistician, {
            seed: 'multi-process-e2e-seed',
          }),
          201,
          'generate the list',
        );

        // Registrations spread over the servers too: participant numbers are taken under the lock.
        const participants: string[] = [];
        await pool(
          Array.from({ length: PARTICIPANTS }, (_, i) => i),
          CONCURRENCY,
          async (i) => {
            const server = i % SERVERS;
            const answer = await expectStatus(
              call(
                urls[server],
                'POST',
                '/api/participants',
                tokens[server],
                registration(trial, `SCR-${i}`),
              ),
              201,
              `register SCR-${i}`,
            );
            participants.push(answer.body.participantId as string);
          },
        );
        expect(new Set(participants).size).toBe(PARTICIPANTS);

        // Every participant is asked for twice, of two different servers, in a shuffled order.
        const requests = shuffle(
          participants.flatMap((participantId, i) =>
            Array.from({ length: ASKS_PER_PARTICIPANT }, (_, k) => ({
              participantId,
              server: (i + k) % SERVERS,
            })),
          ),
        );
        const answers: AllocationAnswer[] = [];
        await pool(requests, CONCURRENCY, async ({ participantId, server }) => {
          const answer = await call(
            urls[server],
            'POST',
            `/api/participants/${participantId}/allocation`,
            tokens[server],
          );
          answers.push({ participantId, server, ...answer });
        });
        for (const server of servers) await server.stop();
        servers.length = 0;

        // The one final read.
        const db = openDatabaseFile(databasePath);
        let slots: SlotRow[];
        let entries: ReturnType<typeof readAuditEntries>;
        let markedAllocated: string[];
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          slots = db
            .prepare(
              `SELECT list_id AS listId, stratum, slot, target_sealed AS targetSealed,
                      participant_id AS participantId FROM slots`,
            )
            .all() as SlotRow[];
          entries = readAuditEntries(db);
          markedAllocated = (
            db
              .prepare(
                'SELECT participant_id AS id FROM participants WHERE allocated_at IS NOT NULL',
              )
              .all() as { id: string }[]
          ).map((p) => p.id);
        } finally {
          db.close();
        }
        const taken = slots.filter(
          (s): s is SlotRow & { participantId: string } => s.participantId !== null,
        );
        const cipher = new BlindingCipher(Buffer.from(env.BLINDING_KEY, 'base64'));
        const limbOf = (s: SlotRow) =>
          cipher.decrypt(
            s.targetSealed,
            slotAssociatedData(trial.protocolId, s.listId, s.stratum, s.slot),
          );
        const dbSlotOf = new Map(taken.map((s) => [s.participantId, s]));

        const ok = answers.filter((a) => a.status === 201);
        const okOf = new Map<string, AllocationAnswer[]>();
        for (const a of ok) okOf.set(a.participantId, [...(okOf.get(a.participantId) ?? []), a]);
        const message = (a: AllocationAnswer) => String(a.body.message);

        // Every answer is one the model allows.
        const unexpectedStatus = answers.filter((a) => ![201, 409].includes(a.status));
        expect(unexpectedStatus).toEqual([]);

        // Nothing duplicated: no participant told 201 twice, no slot given twice, no participant
        // holding two slots.
        expect([...okOf].filter(([, as]) => as.length > 1)).toEqual([]);
        expect(new Set(ok.map((a) => a.body.slot)).size).toBe(ok.length);
        expect(new Set(taken.map((s) => s.participantId)).size).toBe(taken.length);

        // Nothing lost: every 201 is in the database, same slot, same limb.
        const lost = ok.filter((a) => {
          const row = dbSlotOf.get(a.participantId);
          return !row || row.slot !== a.body.slot || limbOf(row) !== a.body.cellLimb;
        });
        expect(lost).toEqual([]);

        // Nothing unexpected: every taken slot was answered 201 to someone, and every refusal is
        // explained: "already allocated" by a 201 for the same participant; "exhausted" by a list
        // that really ran out, and never for a participant who got a slot (an allocated
        // participant is told "already allocated", and a list that ran out gives no slot later).
        expect(taken.filter((s) => !okOf.has(s.participantId))).toEqual([]);
        const refusals = answers.filter((a) => a.status === 409);
        const unexplained = refusals.filter((a) =>
          message(a).includes('already allocated')
            ? !okOf.has(a.participantId)
            : !(
                message(a).includes('exhausted') &&
                taken.length === SLOTS &&
                !okOf.has(a.participantId)
              ),
        );
        expect(unexplained).toEqual([]);

        // The list ran out exactly: every slot taken, and its blocks balanced the limbs.
        expect(taken).toHaveLength(SLOTS);
        expect(ok).toHaveLength(SLOTS);
        expect(taken.filter((s) => limbOf(s) === 'LEFT')).toHaveLength(SLOTS / 2);
        expect([...markedAllocated].sort()).toEqual([...dbSlotOf.keys()].sort());

        // ALLOCATED entries 1:1 with taken slots, and the chain valid from seq 1 without gaps.
        const allocatedEntries = entries.filter((e) => e.action === 'ALLOCATED');
        expect(
          allocatedEntries.map((e) => `${e.participantId}:${e.details.slot as number}`).sort(),
        ).toEqual(taken.map((s) => `${s.participantId}:${s.slot}`).sort());
        expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
        expect(verifyChain(entries)).toMatchObject({ valid: true });

        // The load really was spread: each process gave some of the slots.
        for (let server = 0; server < SERVERS; server += 1) {
          expect(ok.filter((a) => a.server === server).length).toBeGreaterThan(0);
        }
      } catch (error) {
        for (const [i, server] of servers.entries())
          (error as Error).message += `\nserver ${i} output:\n${server.output()}`;
        throw error;
      } finally {
        await Promise.all(servers.map((s) => s.stop('SIGKILL')));
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
