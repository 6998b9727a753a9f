import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import {
  AuditFields,
  chainEntry,
  ChainedAuditEntry,
  GENESIS_HASH,
} from '../../src/audit/audit-chain';
import { toAuditRow } from '../../src/audit/audit.service';
import { createUser, login } from './http';
import { nowMs, progress } from './report';
import { benchEnv, benchTempDir, startBenchServer } from './server';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../../test/support/test-app';

export const MILLION = 1_000_000;
export const MONITOR = 'monitor1';

const START = Date.parse('2025-01-06T08:00:00.000Z');

/**
 * The content of a plausible entry number `seq`: the mix a running trial writes (registrations,
 * allocations, re-reads, sign-ins), with the field sizes of real entries.
 */
export function syntheticAuditFields(seq: number): AuditFields {
  const participant = `ELA-${String(1 + (seq % 10_000)).padStart(5, '0')}`;
  const common = {
    seq,
    at: new Date(START + seq * 1000).toISOString(),
    outcome: 'SUCCESS' as const,
    reason: null,
    ip: '127.0.0.1',
    requestId: randomUUID(),
  };
  switch (seq % 4) {
    case 0:
      return {
        ...common,
        actor: 'investigator1',
        roles: ['investigator'],
        action: 'PARTICIPANT_REGISTERED',
        participantId: participant,
        details: { screeningNumber: `SCR-${seq}`, stratum: 'all' },
      };
    case 1:
      return {
        ...common,
        actor: 'pharmacist1',
        roles: ['pharmacist'],
        action: 'ALLOCATED',
        participantId: participant,
        details: { slot: seq % 10_000, stratum: 'all' },
      };
    case 2:
      return {
        ...common,
        actor: 'pharmacist1',
        roles: ['pharmacist'],
        action: 'ALLOCATION_VIEWED',
        participantId: participant,
        details: { slot: seq % 10_000 },
      };
    default:
      return {
        ...common,
        actor: 'monitor1',
        roles: ['monitor'],
        action: 'LOGIN_SUCCEEDED',
        participantId: null,
        details: {},
      };
  }
}

/** `count` chained entries from seq 1, in memory. */
export function buildChain(count: number): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = new Array<ChainedAuditEntry>(count);
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < count; i += 1) {
    const entry = chainEntry(prevHash, syntheticAuditFields(i + 1));
    entries[i] = entry;
    prevHash = entry.hash;
  }
  return entries;
}

/**
 * Appends real chained entries (chainEntry, the app's row encoding) after the head of the
 * audit_entries table of a database whose schema the app created, until it holds `total` rows.
 * The server must be stopped meanwhile. Large transactions: the fill is not what is measured.
 */
export function fillAuditTable(dbPath: string, total: number): void {
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    const head = db
      .prepare('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1')
      .get() as { seq: number; hash: string } | undefined;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const insert = db.prepare(
      `INSERT INTO audit_entries (seq, at, actor, roles, action, participant_id, outcome, reason,
         details, ip, request_id, prev_hash, hash)
       VALUES (@seq, @at, @actor, @roles, @action, @participantId, @outcome, @reason,
         @details, @ip, @requestId, @prevHash, @hash)`,
    );
    const batch = db.transaction((count: number) => {
      for (let i = 0; i < count; i += 1) {
        seq += 1;
        const entry = chainEntry(prevHash, syntheticAuditFields(seq));
        insert.run(toAuditRow(entry));
        prevHash = entry.hash;
      }
    });
    while (seq < total) batch(Math.min(50_000, total - seq));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export interface AuditDatabase {
  dataDir: string;
  dbPath: string;
  env: Record<string, string>;
  remove: () => void;
}

/**
 * A database created by the app (migrations, admin, a monitor account), then filled to `total`
 * audit entries with fillAuditTable. Reuse `env` to start a server on it: it holds the keys.
 */
export async function prepareAuditDatabase(total = MILLION): Promise<AuditDatabase> {
  const dir = benchTempDir('audit');
  try {
    const dataDir = dir.path;
    const env = benchEnv(dataDir);
    const started = nowMs();
    const server = await startBenchServer(env);
    try {
      const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
      await createUser(server.url, admin, MONITOR, USER_PASSWORD, ['monitor']);
    } finally {
      await server.stop();
    }
    fillAuditTable(env.DATABASE_PATH, total);
    progress(
      `audit database of ${total} entries ready in ${((nowMs() - started) / 1000).toFixed(1)} s`,
    );
    return { dataDir, dbPath: env.DATABASE_PATH, env, remove: dir.remove };
  } catch (error) {
    dir.remove();
    throw error;
  }
}
