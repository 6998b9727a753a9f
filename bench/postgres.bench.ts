import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { chainEntry, GENESIS_HASH } from '../src/audit/audit-chain';
import { toAuditRow } from '../src/audit/audit.service';
import { LOCK_NAMESPACE, stratumLockKey, XACT_LOCK } from '../src/database/postgres-locks';
import { PostgresCluster, startPostgresCluster } from '../test/support/postgres';
import { ADMIN_PASSWORD, testEnv, USER_PASSWORD } from '../test/support/test-app';
import { eligibleAnswers, nctTrial } from '../test/support/trial-fixtures';
import { MILLION, MONITOR } from './support/audit-fixture';
import {
  createUser,
  drainHttp,
  Drained,
  expectStatus,
  forEachConcurrently,
  httpJson,
  login,
  runClients,
} from './support/http';
import {
  copyDatabase,
  drainPsqlCopy,
  fillPostgresAuditTable,
  postgresSkipReason,
} from './support/postgres-fixture';
import {
  BenchResult,
  errorRow,
  fmt,
  fmtInt,
  LatencySummary,
  nowMs,
  progress,
  runStandalone,
  skippedRow,
  summariseLatencies,
} from './support/report';
import { benchTempDir, procMemory, ROOT, ServerProcess, startBenchServer } from './support/server';

/**
 * PostgreSQL rows of `npm run bench` (issue 14 item 8): allocations through 1 and 3 real server
 * processes on one throwaway cluster (test/support/postgres.ts) against the same transaction
 * through plain `pg`, and the CSV export of 1,000,000 entries against `psql \copy`.
 */

const CLIENTS = 32;
/** Participants registered; every phase allocates the same ones, each on its own copy. */
const PARTICIPANTS = 2_000;
/** The first allocations of each phase warm the processes up (JIT, pools, the list check). */
const WARMUP = 96;
/** No phase measures for longer than this: on a loaded machine it measures fewer allocations. */
const PHASE_MS = 60_000;
/** The HTTP export is cut off after this long (a loaded machine): its rate is what had come. */
const EXPORT_MS = 240_000;
const SEED = 'bench-postgres-seed';
const PHARMACIST = 'pharmacist1';

const ROW = {
  throughput1: `PostgreSQL allocation throughput, ${CLIENTS} HTTP clients, 1 server process`,
  throughput3: `PostgreSQL allocation throughput, ${CLIENTS} HTTP clients, 3 server processes`,
  scaling: 'PostgreSQL allocation throughput, 3 server processes against 1',
  latency1: 'PostgreSQL allocation latency p50 / p99, 1 server process',
  latency3: 'PostgreSQL allocation latency p50 / p99, 3 server processes',
  export: `PostgreSQL CSV export over HTTP, ${fmtInt(MILLION)} entries`,
  exportMemory: 'PostgreSQL CSV export: server memory growth (peak RSS − RSS before)',
} as const;

/*
 * The allocation transaction as src/allocation/allocation.service.ts and src/audit/audit.service.ts
 * run it on PostgreSQL, statement for statement, with the placeholders the driver binds (keep
 * these in step with those files). Left out, as not SQL: AES-GCM opening the slot, the request's
 * user check, and the head journal written after the commit. BEGIN stands for TypeORM's
 * `START TRANSACTION` + `SET TRANSACTION ISOLATION LEVEL READ COMMITTED` (one round trip, not two).
 */
const SQL = {
  participant:
    'SELECT participant_id AS "participantId", stratum, allocated_at AS "allocatedAt", ' +
    'withdrawn_at AS "withdrawnAt" FROM participants WHERE participant_id = $1 FOR UPDATE',
  study:
    'SELECT t.locked_at AS "lockedAt", l.id AS "listId", l.commitment FROM trials t ' +
    'LEFT JOIN randomization_lists l ON l.protocol_id = t.protocol_id WHERE t.protocol_id = $1 ' +
    'FOR SHARE OF t',
  stratumLock: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
  freeSlot:
    'SELECT id, list_id AS "listId", stratum, slot, target_sealed AS "targetSealed" FROM slots ' +
    'WHERE list_id = $1 AND stratum = $2 AND participant_id IS NULL ORDER BY slot LIMIT 1',
  claim:
    'UPDATE slots SET participant_id = $1, allocated_at = $2 WHERE id = $3 AND participant_id IS NULL',
  mark:
    'UPDATE participants SET allocated_at = $1, allocated_by = $2 ' +
    'WHERE participant_id = $3 AND allocated_at IS NULL',
  auditLock: 'SELECT pg_advisory_xact_lock($1, $2)',
  head: 'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1',
  append:
    'INSERT INTO audit_entries (seq, at, actor, roles, action, participant_id, outcome, reason, ' +
    'details, ip, request_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ' +
    '$11, $12, $13)',
} as const;

/** The columns of the export in its order (SPEC section 6), for psql. */
const EXPORT_SELECT =
  'SELECT seq, at, actor, roles, action, participant_id, outcome, reason, details, ip, ' +
  'request_id, prev_hash, hash FROM audit_entries ORDER BY seq';

async function allocateWithPg(client: Client, protocolId: string, participantId: string) {
  await client.query('BEGIN');
  try {
    const participant = await client.query<{ stratum: string; allocatedAt: string | null }>(
      SQL.participant,
      [participantId],
    );
    const row = participant.rows[0];
    if (!row || row.allocatedAt) throw new Error(`participant ${participantId} not allocatable`);
    const study = await client.query<{ lockedAt: string | null; listId: number }>(SQL.study, [
      protocolId,
    ]);
    const listId = study.rows[0]?.listId;
    if (listId === undefined || study.rows[0].lockedAt) throw new Error('no list, or locked');
    await client.query(SQL.stratumLock, [LOCK_NAMESPACE, stratumLockKey(listId, row.stratum).text]);
    const free = await client.query<{ id: number; slot: number; stratum: string }>(SQL.freeSlot, [
      listId,
      row.stratum,
    ]);
    const slot = free.rows[0];
    if (!slot) throw new Error('list exhausted');
    const allocatedAt = new Date().toISOString();
    const claimed = await client.query(SQL.claim, [participantId, allocatedAt, slot.id]);
    const marked = await client.query(SQL.mark, [allocatedAt, PHARMACIST, participantId]);
    if (claimed.rowCount !== 1 || marked.rowCount !== 1) throw new Error('claim failed');
    await client.query(SQL.auditLock, [LOCK_NAMESPACE, XACT_LOCK.auditAppend]);
    const head = await client.query<{ seq: number; hash: string }>(SQL.head);
    const entry = chainEntry(head.rows[0]?.hash ?? GENESIS_HASH, {
      seq: (head.rows[0]?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      actor: PHARMACIST,
      roles: ['pharmacist'],
      action: 'ALLOCATED',
      participantId,
      outcome: 'SUCCESS',
      reason: null,
      details: { stratum: slot.stratum, slot: slot.slot },
      ip: '127.0.0.1',
      requestId: randomUUID(),
    });
    const r = toAuditRow(entry);
    await client.query(SQL.append, [
      r.seq,
      r.at,
      r.actor,
      r.roles,
      r.action,
      r.participantId,
      r.outcome,
      r.reason,
      r.details,
      r.ip,
      r.requestId,
      r.prevHash,
      r.hash,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

interface Phase {
  warmup: number;
  measured: LatencySummary;
}

/** The warm-up, then the measured allocations of the rest, with CLIENTS clients in both. */
async function runPhase(task: (index: number, client: number) => Promise<void>): Promise<Phase> {
  await runClients(CLIENTS, WARMUP, Infinity, nowMs, task);
  const run = await runClients(
    CLIENTS,
    PARTICIPANTS - WARMUP,
    nowMs() + PHASE_MS,
    nowMs,
    (index, client) => task(WARMUP + index, client),
  );
  const measured = summariseLatencies(run.latencies, run.wallMs);
  progress(
    `postgres: ${fmtInt(measured.count)} allocations in ${fmt(run.wallMs / 1000, 1)} s, ` +
      `${fmtInt(measured.perSecond)}/s, p50 ${fmt(measured.p50, 1)} ms, p99 ${fmt(measured.p99, 1)} ms`,
  );
  return { warmup: WARMUP, measured };
}

/** The same transactions through `pg`: one connection per client, in this process. */
async function pgBaseline(
  url: string,
  protocolId: string,
  participantIds: readonly string[],
): Promise<Phase> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    const phase = await runPhase((index, client) =>
      allocateWithPg(clients[client], protocolId, participantIds[index]),
    );
    const allocated = await clients[0].query<{ n: string }>(
      'SELECT count(*) AS n FROM slots WHERE participant_id IS NOT NULL',
    );
    const expected = phase.warmup + phase.measured.count;
    if (Number(allocated.rows[0].n) !== expected) {
      throw new Error(`pg baseline: ${allocated.rows[0].n} slots taken, ${expected} allocations`);
    }
    return phase;
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** `processes` real servers on one database; client c always asks server c mod processes. */
async function serverPhase(
  env: Record<string, string>,
  processes: number,
  participantIds: readonly string[],
  servers: Set<ServerProcess>,
): Promise<Phase> {
  // Started together, as the tests do: the start-up lock lets one migrate and check at a time.
  const started = await Promise.all(
    Array.from({ length: processes }, async () => {
      const server = await startBenchServer(env);
      servers.add(server);
      return server;
    }),
  );
  try {
    const token = await login(started[0].url, PHARMACIST, USER_PASSWORD);
    return await runPhase(async (index, client) => {
      const url = started[client % processes].url;
      await expectStatus(
        httpJson('POST', `${url}/api/participants/${participantIds[index]}/allocation`, token),
        201,
        `allocate ${participantIds[index]}`,
      );
    });
  } finally {
    for (const server of started) {
      await server.stop();
      servers.delete(server);
    }
  }
}

interface Prepared {
  env: Record<string, string>;
  participantIds: string[];
  protocolId: string;
}

/** A trial of PARTICIPANTS slots, its list, its users and PARTICIPANTS registered participants. */
async function prepareTrial(
  cluster: PostgresCluster,
  dir: string,
  servers: Set<ServerProcess>,
): Promise<Prepared> {
  const trialFile = join(dir, 'trial.json');
  const trialJson = JSON.parse(
    readFileSync(join(ROOT, 'config', 'trials', 'nct02286011.json'), 'utf8'),
  ) as Record<string, unknown>;
  writeFileSync(trialFile, JSON.stringify({ ...trialJson, targetSize: PARTICIPANTS }));
  const env = testEnv(join(dir, 'base'), {
    TRIAL_CONFIG: trialFile,
    DATABASE_URL: await cluster.createDatabase(),
    JWT_EXPIRES_IN: '86400',
  });
  const trial = nctTrial();
  const answers = eligibleAnswers(trial);
  progress(`postgres: generating the list and registering ${fmtInt(PARTICIPANTS)} participants`);
  const server = await startBenchServer(env);
  servers.add(server);
  const participantIds: string[] = [];
  try {
    const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    await createUser(server.url, admin, 'statistician1', USER_PASSWORD, ['statistician']);
    await createUser(server.url, admin, PHARMACIST, USER_PASSWORD, ['pharmacist']);
    await createUser(server.url, admin, MONITOR, USER_PASSWORD, ['monitor']);
    const statistician = await login(server.url, 'statistician1', USER_PASSWORD);
    const pharmacist = await login(server.url, PHARMACIST, USER_PASSWORD);
    await expectStatus(
      httpJson('POST', `${server.url}/api/randomization-list`, statistician, { seed: SEED }),
      201,
      'generate the list',
    );
    await forEachConcurrently(PARTICIPANTS, CLIENTS, async (i) => {
      const answer = await expectStatus(
        httpJson('POST', `${server.url}/api/participants`, pharmacist, {
          screeningNumber: `SCR-${i + 1}`,
          age: 50,
          eligibility: answers,
        }),
        201,
        `register ${i + 1}`,
      );
      participantIds[i] = (answer.body as { participantId: string }).participantId;
    });
  } finally {
    await server.stop();
    servers.delete(server);
  }
  return { env, participantIds, protocolId: trial.protocolId };
}

/**
 * A copy of the prepared state for one phase: the database (CREATE DATABASE … TEMPLATE) and the
 * data directory (its head journal and generated keys must match that database).
 */
async function copyOfPrepared(
  cluster: PostgresCluster,
  prepared: Prepared,
  dir: string,
  name: string,
): Promise<Record<string, string>> {
  const dataDir = join(dir, name);
  cpSync(prepared.env.DATA_DIR, dataDir, { recursive: true });
  return {
    ...prepared.env,
    DATA_DIR: dataDir,
    DATABASE_URL: await copyDatabase(cluster, prepared.env.DATABASE_URL),
  };
}

const perSecond = (phase: Phase) => `${fmtInt(phase.measured.perSecond)} allocations/s`;
const latencies = (phase: Phase) =>
  `${fmt(phase.measured.p50, 1)} ms / ${fmt(phase.measured.p99, 1)} ms`;
const counted = (phase: Phase) =>
  `${fmtInt(phase.measured.count)} measured after ${phase.warmup} warm-up`;

async function allocationRows(
  cluster: PostgresCluster,
  prepared: Prepared,
  dir: string,
  servers: Set<ServerProcess>,
): Promise<BenchResult[]> {
  progress(`postgres: the same transactions through pg, ${CLIENTS} connections`);
  const baselineEnv = await copyOfPrepared(cluster, prepared, dir, 'pg');
  const baseline = await pgBaseline(
    baselineEnv.DATABASE_URL,
    prepared.protocolId,
    prepared.participantIds,
  );
  progress(`postgres: ${CLIENTS} HTTP clients, 1 server process`);
  const one = await serverPhase(
    await copyOfPrepared(cluster, prepared, dir, 'one'),
    1,
    prepared.participantIds,
    servers,
  );
  progress(`postgres: ${CLIENTS} HTTP clients, 3 server processes`);
  const three = await serverPhase(
    await copyOfPrepared(cluster, prepared, dir, 'three'),
    3,
    prepared.participantIds,
    servers,
  );
  const pgFigure = `${perSecond(baseline)}, pg, ${CLIENTS} connections (${counted(baseline)})`;
  const ratio1 = one.measured.perSecond / baseline.measured.perSecond;
  const ratio3 = three.measured.perSecond / baseline.measured.perSecond;
  const scaling = three.measured.perSecond / one.measured.perSecond;
  return [
    {
      what: ROW.throughput1,
      figure: `${perSecond(one)} (${counted(one)})`,
      baseline: pgFigure,
      ratio: ratio1,
      target: 'ratio ≥ 0.25',
      pass: ratio1 >= 0.25,
    },
    {
      what: ROW.throughput3,
      figure: `${perSecond(three)} (${counted(three)})`,
      baseline: pgFigure,
      ratio: ratio3,
      target: 'ratio ≥ 0.25',
      pass: ratio3 >= 0.25,
    },
    {
      what: ROW.scaling,
      figure: perSecond(three),
      baseline: `${perSecond(one)}, 1 process`,
      ratio: scaling,
      target: 'ratio ≥ 1.5 (needs free cores)',
      pass: scaling >= 1.5,
    },
    {
      what: ROW.latency1,
      figure: latencies(one),
      baseline: `${latencies(baseline)} per pg transaction`,
      ratio: null,
      target: 'p99 ≤ 50 ms',
      pass: one.measured.p99 <= 50,
    },
    {
      what: ROW.latency3,
      figure: latencies(three),
      baseline: `${latencies(baseline)} per pg transaction`,
      ratio: null,
      target: 'p99 ≤ 50 ms',
      pass: three.measured.p99 <= 50,
    },
  ];
}

const MiB = 1024;

async function exportRows(prepared: Prepared, servers: Set<ServerProcess>): Promise<BenchResult[]> {
  progress(`postgres: filling the audit log to ${fmtInt(MILLION)} entries`);
  let started = nowMs();
  await fillPostgresAuditTable(prepared.env.DATABASE_URL, MILLION);
  progress(`postgres: filled in ${fmt((nowMs() - started) / 1000, 1)} s; psql \\copy baseline`);
  started = nowMs();
  const reference = await drainPsqlCopy(prepared.env.DATABASE_URL, EXPORT_SELECT);
  const baselineMs = nowMs() - started;
  if (reference.status !== 0) throw new Error(`psql exited with ${reference.status}`);

  const server = await startBenchServer(prepared.env);
  servers.add(server);
  try {
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the server has no pid');
    const token = await login(server.url, MONITOR, USER_PASSWORD);
    const before = procMemory(pid);
    let peakRss = before.rssKiB;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, procMemory(pid).rssKiB);
      } catch {
        // the process is gone: the export will fail and say so
      }
    }, 20);
    progress('postgres: GET /api/audit-log?format=csv');
    started = nowMs();
    let drained: Drained;
    try {
      drained = await drainHttp(`${server.url}/api/audit-log?format=csv`, token, EXPORT_MS);
    } finally {
      clearInterval(sampler);
    }
    const exportMs = nowMs() - started;
    const after = procMemory(pid);
    peakRss = Math.max(peakRss, after.rssKiB);
    if (drained.status !== 200) throw new Error(`export answered ${drained.status}`);
    // One line per entry plus the header; the export adds its own sign-in and AUDIT_EXPORTED.
    if (!drained.cutOff && drained.lines < reference.lines) {
      throw new Error(`export has ${drained.lines} lines, psql ${reference.lines}`);
    }
    const growthMiB = (peakRss - before.rssKiB) / MiB;
    const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
    return [
      {
        what: drained.cutOff
          ? `${ROW.export} (cut off after ${EXPORT_MS / 1000} s)`
          : `PostgreSQL CSV export over HTTP, ${fmtInt(drained.lines - 1)} entries`,
        figure: drained.cutOff
          ? `not finished: ${fmtInt(drained.lines - 1)} entries in ${fmt(exportMs / 1000)} s (${fmt(mbps(drained.bytes, exportMs), 1)} MB/s)`
          : `${fmt(exportMs / 1000)} s (${fmt(mbps(drained.bytes, exportMs), 1)} MB/s)`,
        baseline: `${fmt(baselineMs / 1000)} s (${fmt(mbps(reference.bytes, baselineMs), 1)} MB/s), psql \\copy … to stdout csv`,
        // Cut off, the ratio is of rates: what psql wrote per second against what came over HTTP.
        ratio: drained.cutOff
          ? mbps(drained.bytes, exportMs) / mbps(reference.bytes, baselineMs)
          : baselineMs / exportMs,
        target: '—',
        pass: null,
      },
      {
        what: ROW.exportMemory,
        figure: `${fmt(growthMiB, 1)} MiB (peak ${fmt(peakRss / MiB, 0)} MiB)`,
        baseline: `RSS before ${fmt(before.rssKiB / MiB, 0)} MiB, VmHWM after ${fmt(after.hwmKiB / MiB, 0)} MiB`,
        ratio: null,
        target: '≤ 100 MB',
        pass: growthMiB * 1.048576 <= 100,
      },
    ];
  } finally {
    await server.stop();
    servers.delete(server);
  }
}

const ALLOCATION_ROWS = [ROW.throughput1, ROW.throughput3, ROW.scaling, ROW.latency1, ROW.latency3];
const EXPORT_ROWS = [ROW.export, ROW.exportMemory];

/**
 * Every PostgreSQL row, or each one "skipped: …" when no cluster can be started here. A phase
 * that fails gives an error row and the next phase still runs; the servers, the cluster and the
 * temporary files are removed whatever happens.
 */
export async function postgresBench(): Promise<BenchResult[]> {
  const all = [...ALLOCATION_ROWS, ...EXPORT_ROWS];
  const missing = postgresSkipReason();
  if (missing !== undefined) return all.map((what) => skippedRow(what, missing));
  let cluster: PostgresCluster;
  try {
    cluster = await startPostgresCluster();
  } catch (error) {
    const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const why = `PostgreSQL could not be started (${cause}); see test/support/postgres.ts`;
    return all.map((what) => skippedRow(what, why));
  }
  const dir = benchTempDir('postgres');
  const servers = new Set<ServerProcess>();
  const started = nowMs();
  try {
    const prepared = await prepareTrial(cluster, dir.path, servers);
    const results: BenchResult[] = [];
    try {
      results.push(...(await allocationRows(cluster, prepared, dir.path, servers)));
    } catch (error) {
      console.error(error);
      results.push(...ALLOCATION_ROWS.map((what) => errorRow(what, error)));
    }
    try {
      results.push(...(await exportRows(prepared, servers)));
    } catch (error) {
      console.error(error);
      results.push(...EXPORT_ROWS.map((what) => errorRow(what, error)));
    }
    progress(`postgres: done in ${fmt((nowMs() - started) / 1000, 0)} s`);
    return results;
  } finally {
    for (const server of servers) await server.stop('SIGKILL').catch(() => undefined);
    await cluster.stop();
    dir.remove();
  }
}

if (require.main === module) runStandalone('postgres', postgresBench);
