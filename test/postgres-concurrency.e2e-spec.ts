import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyChain } from '../src/audit/audit-chain';
import { BlindingCipher } from '../src/crypto/blinding-cipher';
import { slotAssociatedData } from '../src/randomization/sealing';
import { LOCK_NAMESPACE, stratumLockKey } from '../src/database/postgres-locks';
import { loadTrialFile } from '../src/config/trial-file.loader';
import { postgresConfigOf } from '../src/config/app-config';
import { postgresDataSourceOptions } from '../src/database/data-source-options';
import { UnitOfWork } from '../src/database/unit-of-work';
import { DataSource, EntityManager } from 'typeorm';
import { auditEntryOfRow, AuditRow } from './support/database-file';
import { call, expectStatus, login, pool } from './support/http-client';
import {
  describeOnPostgres,
  PostgresCluster,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';
import { ServerProcess, startServerProcess } from './support/server-process';
import { registration, STRATIFIED_TRIAL_FILE } from './support/trial-fixtures';
import {
  ADMIN_PASSWORD,
  newTempDir,
  startTestApp,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';

/**
 * Several server processes on one PostgreSQL database, whose transactions run concurrently: the
 * guarantees SQLite gets from its one write lock must hold through the locks of
 * docs/operations.md ("Concurrency on PostgreSQL"). Checked the Jepsen way: the clients keep
 * every answer, and one final read of the database must agree with them.
 */

const SERVERS = 3;
const STRATA = [
  { site: 'north', sex: 'F' },
  { site: 'north', sex: 'M' },
  { site: 'south', sex: 'F' },
  { site: 'south', sex: 'M' },
];
/** Slots per stratum: fewer than the participants of a stratum, so each list runs out too. */
const SLOTS = 30;
const PARTICIPANTS = 140;
/** Each participant's allocation is asked twice, of two different servers, at once. */
const ASKS_PER_PARTICIPANT = 2;
const CONCURRENCY = 24;
const TEST_TIMEOUT_MS = 600_000; // an upper bound for a loaded machine, not a speed target

const trial = loadTrialFile(STRATIFIED_TRIAL_FILE);

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function trialFileIn(dir: string): string {
  const design = JSON.parse(readFileSync(STRATIFIED_TRIAL_FILE, 'utf8')) as {
    randomization: Record<string, unknown>;
  };
  const file = join(dir, 'trial.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...design,
      targetSize: PARTICIPANTS,
      randomization: { ...design.randomization, slotsPerStratum: SLOTS },
    }),
  );
  return file;
}

describeOnPostgres('Concurrency on PostgreSQL', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await sharedPostgresCluster();
  });
  afterAll(() => stopSharedPostgresCluster());

  it(
    `${SERVERS} server processes on one database: no slot given twice, none skipped, claims in slot order, a gap-free chain in commit order`,
    async () => {
      const dataDir = newTempDir('trial-pg-multi-');
      const databaseUrl = await cluster.createDatabase();
      const env = testEnv(dataDir, {
        TRIAL_CONFIG: trialFileIn(dataDir),
        DATABASE_URL: databaseUrl,
      });
      const servers: ServerProcess[] = [];
      try {
        // Started together: the start-up lock lets one run the migrations and set-up at a time.
        servers.push(
          ...(await Promise.all(Array.from({ length: SERVERS }, () => startServerProcess(env)))),
        );
        const urls = servers.map((s) => s.url);
        const admin = await login(urls[0], 'admin', ADMIN_PASSWORD);
        for (const [username, role] of [
          ['pharm', 'pharmacist'],
          ['stat', 'statistician'],
          ['mon', 'monitor'],
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
        const tokens = await Promise.all(urls.map((url) => login(url, 'pharm', USER_PASSWORD)));
        const statistician = await login(urls[1], 'stat', USER_PASSWORD);
        await expectStatus(
          call(urls[1], 'POST', '/api/randomization-list', statistician, {
            seed: 'postgres-concurrency-e2e-seed',
          }),
          201,
          'generate the list',
        );

        // Registrations over all servers at once: numbers are taken under the registration lock.
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
                registration(trial, `SCR-${i}`, { strata: STRATA[i % STRATA.length] }),
              ),
              201,
              `register SCR-${i}`,
            );
            participants.push(answer.body.participantId as string);
          },
        );
        expect(new Set(participants).size).toBe(PARTICIPANTS);

        const asks = shuffle(
          participants.flatMap((id) =>
            Array.from({ length: ASKS_PER_PARTICIPANT }, (_, k) => ({ id, k })),
          ),
        );
        const answers: {
          id: string;
          server: number;
          status: number;
          body: Record<string, unknown>;
        }[] = [];
        await pool(asks, CONCURRENCY, async ({ id, k }) => {
          const server = (participants.indexOf(id) + k) % SERVERS;
          const answer = await call(
            urls[server],
            'POST',
            `/api/participants/${id}/allocation`,
            tokens[server],
          );
          answers.push({ id, server, ...answer });
        });

        // Every answer is one of the three a client may get; never a 500.
        const unexpected = answers.filter(
          (a) =>
            !(
              a.status === 201 ||
              (a.status === 409 &&
                ['ALREADY_ALLOCATED', 'LIST_EXHAUSTED'].includes(a.body.code as string))
            ),
        );
        expect(unexpected).toEqual([]);
        const granted = answers.filter((a) => a.status === 201);
        // Each participant is allocated at most once, and a stratum's list runs out only when full.
        expect(new Set(granted.map((a) => a.id)).size).toBe(granted.length);
        expect(granted).toHaveLength(STRATA.length * SLOTS);
        // Every refusal is explained: "already allocated" by a 201 for the same participant;
        // "exhausted" only for a participant who never got a slot.
        const grantedIds = new Set(granted.map((a) => a.id));
        const unexplained = answers.filter(
          (a) => a.status === 409 && (a.body.code === 'ALREADY_ALLOCATED') !== grantedIds.has(a.id),
        );
        expect(unexplained).toEqual([]);
        // The load really was spread: each process gave some of the slots.
        for (let server = 0; server < SERVERS; server += 1)
          expect(granted.filter((a) => a.server === server).length).toBeGreaterThan(0);

        const client = await cluster.connect(databaseUrl);
        try {
          const slots = (
            await client.query<{
              list_id: number;
              stratum: string;
              slot: number;
              target_sealed: string;
              participant_id: string | null;
              participant_stratum: string | null;
            }>(
              'SELECT s.list_id, s.stratum, s.slot, s.target_sealed, s.participant_id, ' +
                'p.stratum AS participant_stratum ' +
                'FROM slots s LEFT JOIN participants p ON p.participant_id = s.participant_id ' +
                'ORDER BY s.stratum, s.slot',
            )
          ).rows;
          // What the clients were told is what the database holds, slot for slot.
          const claimed = slots.filter((s) => s.participant_id !== null);
          expect(claimed).toHaveLength(granted.length);
          const told = new Map(granted.map((a) => [a.id, a.body.slot as number]));
          for (const slot of claimed) {
            expect({ id: slot.participant_id, slot: told.get(slot.participant_id ?? '') }).toEqual({
              id: slot.participant_id,
              slot: slot.slot,
            });
            expect(slot.participant_stratum).toBe(slot.stratum);
          }
          // ...and limb for limb: each 201 named the limb its stored slot seals.
          const cipher = new BlindingCipher(Buffer.from(env.BLINDING_KEY, 'base64'));
          const limbOf = new Map(
            claimed.map((s) => [
              s.participant_id,
              cipher.decrypt(
                s.target_sealed,
                slotAssociatedData(trial.protocolId, Number(s.list_id), s.stratum, s.slot),
              ),
            ]),
          );
          expect(granted.filter((a) => limbOf.get(a.id) !== a.body.cellLimb)).toEqual([]);
          // The participant rows were committed with their slots: marked allocated, exactly these.
          const marked = (
            await client.query<{ id: string }>(
              'SELECT participant_id AS id FROM participants WHERE allocated_at IS NOT NULL',
            )
          ).rows.map((row) => row.id);
          expect(marked.sort()).toEqual([...grantedIds].sort());
          // No slot skipped: each stratum's claimed slots are 1..n.
          const byStratum = new Map<string, number[]>();
          for (const slot of claimed)
            byStratum.set(slot.stratum, [...(byStratum.get(slot.stratum) ?? []), slot.slot]);
          expect(byStratum.size).toBe(STRATA.length);
          for (const numbers of byStratum.values()) {
            expect(numbers).toEqual(Array.from({ length: SLOTS }, (_, i) => i + 1));
          }

          const entries = (
            await client.query<AuditRow>('SELECT * FROM audit_entries ORDER BY seq')
          ).rows.map(auditEntryOfRow);
          // Gap-free and intact: seq 1..n, each entry chained to the one before.
          expect(verifyChain(entries)).toMatchObject({ valid: true, entries: entries.length });
          expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
          // Seq order is commit order: within a stratum, the ALLOCATED entries name its slots
          // in order, 1, 2, 3..., since each claim committed before the next could begin.
          const allocated = entries.filter((e) => e.action === 'ALLOCATED');
          expect(allocated).toHaveLength(granted.length);
          for (const stratum of byStratum.keys()) {
            expect(
              allocated.filter((e) => e.details.stratum === stratum).map((e) => e.details.slot),
            ).toEqual(Array.from({ length: SLOTS }, (_, i) => i + 1));
          }
          const registered = entries.filter((e) => e.action === 'PARTICIPANT_REGISTERED');
          expect(registered).toHaveLength(PARTICIPANTS);
        } finally {
          await client.end();
        }

        // The server's own verification agrees, from any process.
        const monitor = await login(urls[2], 'mon', USER_PASSWORD);
        const verified = await expectStatus(
          call(urls[2], 'GET', '/api/audit-log/verify', monitor),
          200,
          'verify',
        );
        expect(verified.body).toMatchObject({ valid: true });
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );

  it('runs a read while a write waits, and gives a slot whose claim rolled back to the next participant in order', async () => {
    const t = await startTestApp({ TRIAL_CONFIG: STRATIFIED_TRIAL_FILE }, { database: 'postgres' });
    const url = t.config.postgres?.url ?? '';
    const holder = await cluster.connect(url);
    try {
      const statistician = await t.userWith('stat', ['statistician']);
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      const strata = STRATA[0];
      const ids: string[] = [];
      for (const screening of ['SCR-A', 'SCR-B']) {
        const answer = await t
          .http()
          .post('/api/participants')
          .set('Authorization', pharmacist)
          .send(registration(trial, screening, { strata }))
          .expect(201);
        ids.push((answer.body as { participantId: string }).participantId);
      }
      const [{ id: listId }] = await t.database.query<{ id: number }>(
        'SELECT id FROM randomization_lists',
      );
      const [{ stratum }] = await t.database.query<{ stratum: string }>(
        'SELECT stratum FROM participants WHERE participant_id = ?',
        [ids[0]],
      );

      // Another process's allocation in flight: it holds the stratum's claim lock and has
      // claimed slot 1 for the first participant, not yet committed.
      const key = stratumLockKey(listId, stratum);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOCK_NAMESPACE,
        key.text,
      ]);
      await holder.query(
        "UPDATE slots SET participant_id = $1, allocated_at = 'in flight' WHERE list_id = $2 AND stratum = $3 AND slot = 1",
        [ids[0], listId, stratum],
      );

      const second = t
        .http()
        .post(`/api/participants/${ids[1]}/allocation`)
        .set('Authorization', pharmacist)
        .then((response) => response);
      // The second allocation waits for the claim lock...
      for (let waited = 0; ; waited += 1) {
        const waiting = await holder.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        if (Number(waiting.rows[0].n) > 0) break;
        if (waited > 600) throw new Error('the allocation never waited for the claim lock');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // ...while reads and other writes go on: transactions run concurrently over the pool.
      await t.http().get('/api/trial').set('Authorization', pharmacist).expect(200);
      await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-C', { strata: STRATA[1] }))
        .expect(201);

      // The in-flight claim rolls back: slot 1 is free again and goes to the waiting allocation.
      await holder.query('ROLLBACK');
      const answer = await second;
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ participantId: ids[1], slot: 1 });
      const first = await t
        .http()
        .post(`/api/participants/${ids[0]}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      expect(first.body).toMatchObject({ participantId: ids[0], slot: 2 });
      expect((await t.database.verifyAudit()).valid).toBe(true);
    } finally {
      await holder.end();
      await t.close();
    }
  });

  it('answers two requests racing for one unique key as SQLite would: one wins, the other sees it (never a 500)', async () => {
    const t = await startTestApp({ TRIAL_CONFIG: STRATIFIED_TRIAL_FILE }, { database: 'postgres' });
    try {
      const admin = await t.login('admin', ADMIN_PASSWORD);
      const create = () =>
        t
          .http()
          .post('/api/users')
          .set('Authorization', admin)
          .send({ username: 'twin', password: USER_PASSWORD, roles: ['monitor'] })
          .then((response) => response);
      const created = await Promise.all(Array.from({ length: 6 }, create));
      expect(created.map((response) => response.status).sort()).toEqual([
        201, 409, 409, 409, 409, 409,
      ]);

      const statistician = await t.userWith('stat', ['statistician']);
      const pharmacist = await t.userWith('pharm', ['pharmacist']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      const ids: string[] = [];
      for (const screening of ['SCR-K1', 'SCR-K2']) {
        const answer = await t
          .http()
          .post('/api/participants')
          .set('Authorization', pharmacist)
          .send(registration(trial, screening, { strata: STRATA[0] }))
          .expect(201);
        ids.push((answer.body as { participantId: string }).participantId);
      }
      // One Idempotency-Key sent for two participants at once: one is allocated, the other told
      // the key is taken; and the key's retries replay the same allocation.
      const allocate = (id: string) =>
        t
          .http()
          .post(`/api/participants/${id}/allocation`)
          .set('Authorization', pharmacist)
          .set('Idempotency-Key', 'race-key-0001')
          .then((response) => response);
      const raced = await Promise.all([allocate(ids[0]), allocate(ids[1])]);
      expect(raced.map((response) => response.status).sort()).toEqual([201, 409]);
      const winner = raced.find((response) => response.status === 201);
      const winnerId = (winner?.body as { participantId: string }).participantId;
      const replays = await Promise.all([allocate(winnerId), allocate(winnerId)]);
      expect(replays.map((response) => response.status)).toEqual([201, 201]);
      for (const replay of replays)
        expect(replay.body).toMatchObject({ participantId: winnerId, slot: 1 });
      expect(await t.database.count('slots', 'participant_id IS NOT NULL')).toBe(1);
      expect((await t.database.verifyAudit()).valid).toBe(true);
    } finally {
      await t.close();
    }
  });
  it('reads one snapshot for a whole uow.read (REPEATABLE READ) while uow.write sees each commit (READ COMMITTED), on a pool of DATABASE_POOL_SIZE', async () => {
    const url = await cluster.createDatabase();
    const dataSource = new DataSource(postgresDataSourceOptions(postgresConfigOf(url, 3)));
    await dataSource.initialize();
    const other = await cluster.connect(url);
    try {
      // The size configured reaches the live pg pool (data-source-options.spec.ts: the options).
      const pool = (dataSource.driver as unknown as { master: { options: { max: number } } })
        .master;
      expect(pool.options.max).toBe(3);

      const uow = new UnitOfWork(dataSource);
      await other.query('CREATE TABLE counted (n integer)');
      await other.query('INSERT INTO counted VALUES (1)');
      const look = async (manager: EntityManager, insert: number) => {
        const [{ isolation }] = await manager.query<{ isolation: string }[]>(
          'SELECT current_setting($1) AS isolation',
          ['transaction_isolation'],
        );
        const count = () =>
          manager
            .query<{ n: number }[]>('SELECT count(*)::int AS n FROM counted')
            .then(([row]) => row.n);
        const before = await count();
        // Another connection commits a row between the unit of work's two reads.
        await other.query('INSERT INTO counted VALUES ($1)', [insert]);
        return { isolation, before, after: await count() };
      };

      // An export, a report or a list check reads many statements: they must agree.
      expect(await uow.read((manager) => look(manager, 2))).toEqual({
        isolation: 'repeatable read',
        before: 1,
        after: 1,
      });
      expect(await uow.read((manager) => look(manager, 3))).toEqual({
        isolation: 'repeatable read',
        before: 2,
        after: 2,
      });
      // A write sees what committed before each of its statements (its locks do the ordering).
      expect(await uow.write((manager) => look(manager, 4))).toEqual({
        isolation: 'read committed',
        before: 3,
        after: 4,
      });
    } finally {
      await other.end();
      await dataSource.destroy();
    }
  });
});
