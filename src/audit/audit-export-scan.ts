import {
  auditEntryHash,
  ChainedAuditEntry,
  ChainVerification,
  ChainVerifier,
  GENESIS_HASH,
} from './audit-chain';

/**
 * What one pass over an exported file shows, beyond "the chain from seq 1 holds or breaks at S":
 * whether a break is what a filtered export looks like, what the export says of itself, and which
 * entries follow a given seq. Pure: the command line feeds it entries and words the verdict.
 *
 * An export records itself (AUDIT_EXPORTED, with its filter in `details`) and ends with that
 * record when the filter keeps it. A filtered export skips seqs by design, so a gap there is no
 * sign of tampering; but each entry must still match its own hash, and entries with consecutive
 * seqs must still be linked. A break that a filter cannot explain (an edit, a broken link, a seq
 * out of order) is kept as `problem`.
 */
export type ExportScope =
  { kind: 'full' } | { kind: 'filtered'; description: string } | { kind: 'unknown' };

/** The export's own record: the file's last entry when it is an AUDIT_EXPORTED entry. */
export interface OwnExportRecord {
  seq: number;
  hash: string;
  scope: ExportScope;
}

export interface ExportScanResult {
  /** The strict verdict: the chain from seq 1, stopped at its first break. */
  chain: ChainVerification;
  /** Entries read (all of them unless `problem` stopped the pass). */
  read: number;
  firstSeq?: number;
  lastSeq: number;
  /** The first place the file skips seqs: after `after` (0: before its first entry) comes `next`. */
  gap?: { after: number; next: number };
  /** The first break that no filter explains, and its entry. */
  problem?: { seq: number; problem: string; entry: ChainedAuditEntry };
  /** The entry where the chain from seq 1 broke. */
  strictBreak?: ChainedAuditEntry;
  ownRecord?: OwnExportRecord;
  /** The last seq whose entry is not an AUDIT_EXPORTED record (0 if none). */
  lastOtherSeq: number;
  /** The hashes of the wanted seqs found in the file. */
  hashes: Map<number, string>;
}

const EDITED = 'hash does not match the entry content (the entry was edited)';
const UNLINKED = 'prevHash does not match the hash of the entry before it';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The scope an AUDIT_EXPORTED record states: `details.filter` (from, to, actions, actor,
 * participantId, afterSeq) and `details.limit`. An empty filter and no limit is a full export.
 */
export function exportScopeOf(details: Record<string, unknown>): ExportScope {
  const { filter, limit } = details;
  if (!isRecord(filter)) return { kind: 'unknown' };
  const parts = Object.entries(filter).map(
    ([key, value]) =>
      `${key}=${Array.isArray(value) ? value.map(String).join(',') : typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  if (limit !== undefined) parts.push(`limit=${JSON.stringify(limit)}`);
  return parts.length === 0
    ? { kind: 'full' }
    : { kind: 'filtered', description: parts.join(', ') };
}

export class ExportScan {
  private readonly strict = new ChainVerifier();
  private strictBroken = false;
  private read = 0;
  private firstSeq?: number;
  private lastSeq = 0;
  private lastHash = GENESIS_HASH;
  private gap?: { after: number; next: number };
  private problem?: { seq: number; problem: string; entry: ChainedAuditEntry };
  private strictBreak?: ChainedAuditEntry;
  private last?: ChainedAuditEntry;
  private lastOtherSeq = 0;
  private readonly hashes = new Map<number, string>();

  constructor(private readonly wanted: ReadonlySet<number> = new Set()) {}

  /** Returns false once a break no filter explains was found; later entries are then ignored. */
  add(entry: ChainedAuditEntry): boolean {
    if (this.problem) return false;
    if (!this.strictBroken && !this.strict.add(entry)) {
      this.strictBroken = true;
      this.strictBreak = entry;
    }
    if (this.strictBroken) {
      const problem = this.segmentProblem(entry);
      if (problem) {
        this.problem = { seq: entry.seq, problem, entry };
        return false;
      }
    }
    this.read += 1;
    this.firstSeq ??= entry.seq;
    this.lastSeq = entry.seq;
    this.lastHash = entry.hash;
    this.last = entry;
    if (entry.action !== 'AUDIT_EXPORTED') this.lastOtherSeq = entry.seq;
    if (this.wanted.has(entry.seq)) this.hashes.set(entry.seq, entry.hash);
    return true;
  }

  /** The checks that hold for a filtered export too. */
  private segmentProblem(entry: ChainedAuditEntry): string | undefined {
    if (entry.seq <= this.lastSeq) {
      return `seq ${entry.seq} comes after seq ${this.lastSeq} (a reorder or a repeat)`;
    }
    if (entry.seq === this.lastSeq + 1) {
      if (entry.prevHash !== this.lastHash) return UNLINKED;
    } else {
      this.gap ??= { after: this.lastSeq, next: entry.seq };
    }
    if (auditEntryHash(entry.prevHash, entry) !== entry.hash) return EDITED;
    return undefined;
  }

  result(): ExportScanResult {
    const last = this.last;
    return {
      chain: this.strict.result(),
      read: this.read,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      gap: this.gap,
      problem: this.problem,
      strictBreak: this.strictBreak,
      ownRecord:
        last && last.action === 'AUDIT_EXPORTED'
          ? { seq: last.seq, hash: last.hash, scope: exportScopeOf(last.details) }
          : undefined,
      lastOtherSeq: this.lastOtherSeq,
      hashes: this.hashes,
    };
  }
}
