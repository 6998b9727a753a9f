import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { chainEntry, GENESIS_HASH } from '../src/audit/audit-chain';
import { signCheckpoint } from '../src/audit/audit-checkpoint';
import { HeadJournalFile } from '../src/audit/head-journal';
import { toAuditRow } from '../src/audit/audit.service';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../test/support/test-app';
import { eligibleAnswers, nctTrial } from '../test/support/trial-fixtures';
import { createUser, expectStatus, forEachConcurrently, httpJson, login } from './support/http';
import {
  BenchResult,
  fmt,
  fmtInt,
  nowMs,
  progress,
  quantile,
  runStandalone,
} from './support/report';
import { benchEnv, benchTempDir, ROOT, startBenchServer } from './support/server';

const SLOTS = 10_000;
const CLIENTS = 32;
const SEED = 'bench-allocation-seed';

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

function summarise(latencies: number[], wallMs: number): Measured {
  return {
    perSecond: latencies.length / (wallMs / 1000),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

const JOURNAL_APPENDS = 2000;

/**
 * What one head-journal write costs on its own (docs/operations.md, "Lost tails"): sign the head
 * (Ed25519), append the line and fsync, on the same disk as the database. The HTTP figures above
 * already include it: the server journals after every allocation before answering.
 */
async function journalAppendCost(dir: string): Promise<{ mean: number; p99: number }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const file = new HeadJournalFile(join(dir, 'bench-heads.jsonl'));
  const latencies: number[] = [];
  try {
    for (let i = 1; i <= JOURNAL_APPENDS; i += 1) {
      const t0 = nowMs();
      const head = { entries: i, headHash: i.toString(16).padStart(64, '0') };
      await file.append(signCheckpoint(privateKey, publicKey, head, new Date().toISOString()));
      latencies.push(nowMs() - t0);
    }
  } finally {
    await file.close();
  }
  return {
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p99: quantile(latencies, 0.99),
  };
}

/**
 * The allocation transaction straight through better-sqlite3, one process, one at a time, on a
 * copy of the server's database (same schema, list and participants): read the participant, claim
 * the first free slot of its stratum, mark the participant, append the chained audit entry
 * (canonical JSON + SHA-256), commit with the server's pragmas (WAL, synchronous=FULL).
 */
function baselineAllocations(dbPath: string, participantIds: readonly string[]): Measured {
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const participant = db.prepare('SELECT * FROM participants WHERE participant_id = ?');
    const freeSlot = db.prepare(
      `SELECT id, list_id, stratum, slot, target_sealed FROM slots
       WHERE list_id = ? AND stratum = ? AND participant_id IS NULL ORDER BY slot LIMIT 1`,
    );
    const claim = db.prepare(
      'UPDATE slots SET participant_id = ?, allocated_at = ? WHERE id = ? AND participant_id IS NULL',
    );
    const mark = db.prepare(
      `UPDATE participants SET allocated_at = ?, allocated_by = ?
       WHERE participant_id = ? AND allocated_at IS NULL`,
    );
    const head = db.prepare('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1');
    const append = db.prepare(
      `INSERT INTO audit_entries (seq, at, actor, roles, action, participant_id, outcome, reason,
         details, ip, request_id, prev_hash, hash)
       VALUES (@seq, @at, @actor, @roles, @action, @participantId, @outcome, @reason,
         @details, @ip, @requestId, @prevHash, @hash)`,
    );
    const listId = (db.prepare('SELECT id FROM randomization_lists').get() as { id: string }).id;
    const allocate = db.transaction((participantId: string) => {
      const row = participant.get(participantId) as { stratum: string } | undefined;
      if (!row) throw new Error(`no participant ${participantId}`);
      const slot = freeSlot.get(listId, row.stratum) as { id: number; slot: number } | undefined;
      if (!slot) throw new Error('list exhausted');
      const at = new Date().toISOString();
      const claimed = claim.run(participantId, at, slot.id).changes;
      const marked = mark.run(at, 'pharmacist1', participantId).changes;
      if (claimed !== 1 || marked !== 1) throw new Error('claim failed');
      const last = head.get() as { seq: number; hash: string } | undefined;
      const entry = chainEntry(last?.hash ?? GENESIS_HASH, {
        seq: (last?.seq ?? 0) + 1,
        at,
        actor: 'pharmacist1',
        roles: ['pharmacist'],
        action: 'ALLOCATED',
        participantId,
        outcome: 'SUCCESS',
        reason: null,
        details: { stratum: row.stratum, slot: slot.slot },
        ip: '127.0.0.1',
        requestId: null,
      });
      append.run(toAuditRow(entry));
    });
    const latencies: number[] = [];
    const started = nowMs();
    for (const id of participantIds) {
      const t0 = nowMs();
      allocate.immediate(id);
      latencies.push(nowMs() - t0);
    }
    return summarise(latencies, nowMs() - started);
  } finally {
    db.close();
  }
}

/**
 * 32 concurrent HTTP clients allocate every participant of a 10,000-slot NCT02286011 list on a
 * server in a child process; against the same transaction straight through better-sqlite3.
 */
export async function allocationBench(): Promise<BenchResult[]> {
  const dir = benchTempDir('allocation');
  try {
    const trialFile = join(dir.path, 'trial.json');
    const trialJson = JSON.parse(
      readFileSync(join(ROOT, 'config', 'trials', 'nct02286011.json'), 'utf8'),
    ) as Record<string, unknown>;
    writeFileSync(trialFile, JSON.stringify({ ...trialJson, targetSize: SLOTS }));
    const dataDir = join(dir.path, 'data');
    const env = benchEnv(dataDir, { TRIAL_CONFIG: trialFile });
    const answers = eligibleAnswers(nctTrial());

    progress(`allocation: generating the list and registering ${fmtInt(SLOTS)} participants`);
    let server = await startBenchServer(env);
    const participantIds: string[] = [];
    try {
      const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
      await createUser(server.url, admin, 'statistician1', USER_PASSWORD, ['statistician']);
      await createUser(server.url, admin, 'pharmacist1', USER_PASSWORD, ['pharmacist']);
      const statistician = await login(server.url, 'statistician1', USER_PASSWORD);
      const pharmacist = await login(server.url, 'pharmacist1', USER_PASSWORD);
      await expectStatus(
        httpJson('POST', `${server.url}/api/randomization-list`, statistician, { seed: SEED }),
        201,
        'generate the list',
      );
      await forEachConcurrently(SLOTS, CLIENTS, async (i) => {
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
    }

    // The baseline gets an exact copy of the state the server allocates from.
    const copyPath = join(dir.path, 'baseline.sqlite');
    const original = new Database(env.DATABASE_PATH);
    try {
      original.exec(`VACUUM INTO '${copyPath.replace(/'/g, "''")}'`);
    } finally {
      original.close();
    }

    progress(`allocation: ${CLIENTS} clients allocating ${fmtInt(SLOTS)} slots over HTTP`);
    server = await startBenchServer(env);
    let measured: Measured;
    try {
      const pharmacist = await login(server.url, 'pharmacist1', USER_PASSWORD);
      const latencies: number[] = [];
      const started = nowMs();
      await forEachConcurrently(SLOTS, CLIENTS, async (i) => {
        const t0 = nowMs();
        await expectStatus(
          httpJson(
            'POST',
            `${server.url}/api/participants/${participantIds[i]}/allocation`,
            pharmacist,
          ),
          201,
          `allocate ${participantIds[i]}`,
        );
        latencies.push(nowMs() - t0);
      });
      measured = summarise(latencies, nowMs() - started);
    } finally {
      await server.stop();
    }

    progress('allocation: the same transactions straight through better-sqlite3');
    const baseline = baselineAllocations(copyPath, participantIds);
    const ratio = measured.perSecond / baseline.perSecond;
    const journalLines = readFileSync(join(dataDir, 'audit-heads.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean).length;
    progress(`allocation: ${fmtInt(JOURNAL_APPENDS)} head-journal appends (sign, write, fsync)`);
    const journal = await journalAppendCost(dir.path);
    return [
      {
        what: `Allocation throughput, ${CLIENTS} HTTP clients, ${fmtInt(SLOTS)} slots`,
        figure: `${fmtInt(measured.perSecond)} allocations/s`,
        baseline: `${fmtInt(baseline.perSecond)} allocations/s, better-sqlite3, 1 process`,
        ratio,
        target: 'ratio ≥ 0.25',
        pass: ratio >= 0.25,
      },
      {
        what: 'Allocation latency p50',
        figure: `${fmt(measured.p50, 1)} ms`,
        baseline: `${fmt(baseline.p50, 2)} ms per transaction`,
        ratio: null,
        target: '—',
        pass: null,
      },
      {
        what: 'Allocation latency p99',
        figure: `${fmt(measured.p99, 1)} ms`,
        baseline: `${fmt(baseline.p99, 2)} ms per transaction`,
        ratio: null,
        target: '≤ 50 ms',
        pass: measured.p99 <= 50,
      },
      {
        what: 'Head journal write (sign + append + fsync), included in the rows above',
        figure: `${fmt(journal.mean, 2)} ms mean, ${fmt(journal.p99, 2)} ms p99; ${fmtInt(journalLines)} lines for ${fmtInt(SLOTS)} allocations`,
        baseline: `${fmt(measured.p50, 1)} ms allocation p50`,
        ratio: journal.mean / measured.p50,
        target: '—',
        pass: null,
      },
    ];
  } finally {
    dir.remove();
  }
}

if (require.main === module) runStandalone('allocation', allocationBench);
