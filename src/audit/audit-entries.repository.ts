import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { canonicalJson } from '../crypto/canonical-json';
import { execute, forEachRow, selectRow, selectRows } from '../database/sql';
import { AuditDetails, AuditOutcome, ChainedAuditEntry, GENESIS_HASH } from './audit-chain';
import { AuditEntryEntity } from './audit-entry.entity';
import { ExportableAuditEntry } from './audit-export-format';

/**
 * The audit entry's shape, spelled once: each field of a chained entry and its column. The SQL
 * below, the row mapping and the exports' stored form all follow from it.
 */
const AUDIT_COLUMNS: Record<keyof ChainedAuditEntry, string> = {
  seq: 'seq',
  at: 'at',
  actor: 'actor',
  roles: 'roles',
  action: 'action',
  participantId: 'participant_id',
  outcome: 'outcome',
  reason: 'reason',
  details: 'details',
  ip: 'ip',
  requestId: 'request_id',
  prevHash: 'prev_hash',
  hash: 'hash',
};
const FIELDS = Object.keys(AUDIT_COLUMNS) as (keyof ChainedAuditEntry)[];

/** An audit row as stored: roles and details are their canonical JSON text. */
export type StoredAuditEntry = ExportableAuditEntry & { roles: string; details: string };

export function toAuditRow(entry: ChainedAuditEntry): AuditEntryEntity {
  return {
    ...entry,
    roles: canonicalJson(entry.roles),
    details: canonicalJson(entry.details),
  };
}

export function fromAuditRow(row: AuditEntryEntity): ChainedAuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    roles: JSON.parse(row.roles) as string[],
    action: row.action,
    participantId: row.participantId,
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    details: JSON.parse(row.details) as AuditDetails,
    ip: row.ip,
    requestId: row.requestId,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/**
 * Every column of an entry, each under its field's name, from audit_entries: the stored form
 * fromAuditRow maps. Exported for the PostgreSQL backup, which reads a restored copy through a
 * plain pg client and appends its own WHERE.
 */
export const SELECT_STORED =
  'SELECT ' +
  FIELDS.map((field) =>
    AUDIT_COLUMNS[field] === field ? field : `${AUDIT_COLUMNS[field]} AS "${field}"`,
  ).join(', ') +
  ' FROM audit_entries';
// One fixed statement, reused: TypeORM's insert() would write the key into the SQL text.
const INSERT_SQL =
  `INSERT INTO audit_entries (${FIELDS.map((field) => AUDIT_COLUMNS[field]).join(', ')}) ` +
  `VALUES (${FIELDS.map((field) => `:${field}`).join(', ')})`;
const HEAD_SQL = 'SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1';
const HASH_AT_SQL = 'SELECT hash FROM audit_entries WHERE seq = :seq';
const FIRST_OF_SQL = `${SELECT_STORED} WHERE action = :action AND outcome = :outcome ORDER BY seq LIMIT 1`;

/** The filters of an audit export or listing, in stored form (times normalised to UTC). */
export interface AuditFilter {
  from?: string;
  to?: string;
  actions?: string[];
  actor?: string;
  participantId?: string;
  /** The paging cursor: only entries with seq > afterSeq. */
  afterSeq?: number;
}

/**
 * The conditions of a filter, as SQL over audit_entries. `total` leaves out the cursor: the count
 * of every entry the filters match, whichever page is being read.
 */
function filterConditions(filter: AuditFilter, scope: 'page' | 'total' = 'page'): string[] {
  const conditions: string[] = [];
  if (scope === 'page' && filter.afterSeq !== undefined) conditions.push('seq > :afterSeq');
  if (filter.from) conditions.push('at >= :from');
  if (filter.to) conditions.push('at <= :to');
  if (filter.actions?.length) conditions.push('action IN (:...actions)');
  if (filter.actor) conditions.push(`${AUDIT_COLUMNS.actor} = :actor`);
  if (filter.participantId) conditions.push(`${AUDIT_COLUMNS.participantId} = :participantId`);
  return conditions;
}

/**
 * The audit_entries table: the chained log, append-only (triggers refuse UPDATE and DELETE).
 * The append lock is the caller's (AuditService.record); every method runs in the caller's
 * transaction.
 */
@Injectable()
export class AuditEntriesRepository {
  /** The log's length and last hash (64 zeros when empty). */
  async head(manager: EntityManager): Promise<{ entries: number; headHash: string }> {
    const head = await selectRow<{ seq: number; hash: string }>(manager, HEAD_SQL);
    return { entries: head ? Number(head.seq) : 0, headHash: head?.hash ?? GENESIS_HASH };
  }

  async append(manager: EntityManager, entry: ChainedAuditEntry): Promise<void> {
    await execute(manager, INSERT_SQL, { ...toAuditRow(entry) });
  }

  /** The hash of entry `seq`, undefined when the log is shorter. */
  async hashAt(manager: EntityManager, seq: number): Promise<string | undefined> {
    return (await selectRow<{ hash: string }>(manager, HASH_AT_SQL, { seq }))?.hash;
  }

  /** The first entry of an action with an outcome, if any. */
  async firstOf(
    manager: EntityManager,
    action: string,
    outcome: AuditOutcome,
  ): Promise<ChainedAuditEntry | undefined> {
    const row = await selectRow<StoredAuditEntry>(manager, FIRST_OF_SQL, { action, outcome });
    return row ? fromAuditRow(row) : undefined;
  }

  /** Every successful entry of the given actions, oldest first. */
  async successesOf(manager: EntityManager, actions: string[]): Promise<ChainedAuditEntry[]> {
    const rows = await selectRows<StoredAuditEntry>(
      manager,
      `${SELECT_STORED} WHERE action IN (:...actions) AND outcome = :outcome ORDER BY seq`,
      { actions, outcome: 'SUCCESS' },
    );
    return rows.map(fromAuditRow);
  }

  /** How many entries with seq <= upTo the filters match (cursor aside). */
  async countMatching(manager: EntityManager, filter: AuditFilter, upTo: number): Promise<number> {
    const where = ['seq <= :upTo', ...filterConditions(filter, 'total')].join(' AND ');
    const counted = await selectRow<{ total: number | string }>(
      manager,
      `SELECT COUNT(*) AS total FROM audit_entries WHERE ${where}`,
      { ...filter, upTo },
    );
    return Number(counted?.total ?? 0);
  }

  /** The seqs of at most `count` matching entries with seq <= upTo, from the `offset`-th on. */
  async matchingSeqs(
    manager: EntityManager,
    filter: AuditFilter,
    upTo: number,
    offset: number,
    count: number,
  ): Promise<number[]> {
    const where = ['seq <= :upTo', ...filterConditions(filter, 'page')].join(' AND ');
    const rows = await selectRows<{ seq: number | string }>(
      manager,
      `SELECT seq FROM audit_entries WHERE ${where} ORDER BY seq LIMIT :count OFFSET :offset`,
      { ...filter, upTo, offset, count },
    );
    return rows.map((row) => Number(row.seq));
  }

  /**
   * Matching entries with after < seq <= upTo, oldest first, at most `limit`, as stored (roles
   * and details in their canonical JSON text), each handed to `onEntry` as it is read, never
   * gathered (see forEachRow: an export or a verification then holds one entry at a time).
   * One fixed statement per filter shape. Resolves with how many were read.
   */
  forEachInBatch(
    manager: EntityManager,
    batch: { filter: AuditFilter; after: number; upTo: number; limit: number },
    onEntry: (entry: StoredAuditEntry) => void,
  ): Promise<number> {
    const { filter, after, upTo, limit } = batch;
    const conditions = ['seq > :after', 'seq <= :upTo', ...filterConditions(filter)];
    const sql = `${SELECT_STORED} WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT :limit`;
    return forEachRow<StoredAuditEntry>(manager, sql, { ...filter, after, upTo, limit }, onEntry);
  }
}
