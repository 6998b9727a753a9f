import Database from 'better-sqlite3';
import { ChainVerification, verifyChain } from '../../src/audit/audit-chain';
import { fromAuditRow } from '../../src/audit/audit.service';
import { AuditEntryEntity } from '../../src/audit/audit-entry.entity';

/** Reads a server's database file directly, as an inspector holding a copy would. */
export function openDatabaseFile(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** An audit_entries row as either database returns it (PostgreSQL: integers may be strings). */
export interface AuditRow {
  seq: number | string;
  at: string;
  actor: string;
  roles: string;
  action: string;
  participant_id: string | null;
  outcome: string;
  reason: string | null;
  details: string;
  ip: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export function auditEntryOfRow(row: AuditRow) {
  return fromAuditRow({
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    roles: row.roles,
    action: row.action,
    participantId: row.participant_id,
    outcome: row.outcome,
    reason: row.reason,
    details: row.details,
    ip: row.ip,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  } satisfies AuditEntryEntity);
}

export function readAuditEntries(db: Database.Database) {
  const rows = db.prepare('SELECT * FROM audit_entries ORDER BY seq').all() as AuditRow[];
  return rows.map(auditEntryOfRow);
}

/** Every audit entry of a database file, oldest first. */
export function auditEntriesOf(path: string) {
  const db = openDatabaseFile(path);
  try {
    return readAuditEntries(db);
  } finally {
    db.close();
  }
}

export function verifyAuditFile(path: string): ChainVerification {
  const db = openDatabaseFile(path);
  try {
    return verifyChain(readAuditEntries(db));
  } finally {
    db.close();
  }
}
