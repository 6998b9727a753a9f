import { canonicalJson } from '../crypto/canonical-json';
import { sha256Hex } from '../crypto/hashing';

/**
 * The audit hash chain, as pure functions (docs/audit-format.md is the reader's version).
 *
 *   hash = SHA-256 hex of ( prevHash + canonicalJson(every field but prevHash and hash) )
 *
 * The first entry's prevHash is 64 zeros; seq runs 1, 2, 3 without gaps.
 */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'REJECTED' | 'ERROR';

export type AuditDetails = { [key: string]: unknown };

/** The hashed content of an entry. */
export interface AuditFields {
  seq: number;
  at: string;
  actor: string;
  roles: string[];
  action: string;
  participantId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  details: AuditDetails;
  ip: string | null;
  requestId: string | null;
}

export interface ChainedAuditEntry extends AuditFields {
  prevHash: string;
  hash: string;
}

export function auditEntryHash(prevHash: string, fields: AuditFields): string {
  const content: AuditFields = {
    seq: fields.seq,
    at: fields.at,
    actor: fields.actor,
    roles: fields.roles,
    action: fields.action,
    participantId: fields.participantId,
    outcome: fields.outcome,
    reason: fields.reason,
    details: fields.details,
    ip: fields.ip,
    requestId: fields.requestId,
  };
  return sha256Hex(prevHash + canonicalJson(content));
}

export function chainEntry(prevHash: string, fields: AuditFields): ChainedAuditEntry {
  return { ...fields, prevHash, hash: auditEntryHash(prevHash, fields) };
}

export interface ChainVerification {
  valid: boolean;
  entries: number;
  headHash: string;
  firstInvalidSeq?: number;
  problem?: string;
}

/**
 * Checks entries in order, one at a time, so a caller can feed it from a stream of any length.
 * `expectedFirstSeq` and `expectedPrevHash` let it start mid-chain (a filtered export).
 */
export class ChainVerifier {
  private entries = 0;
  private nextSeq: number;
  private headHash: string;
  private failure?: { seq: number; problem: string };

  constructor(expectedFirstSeq = 1, expectedPrevHash = GENESIS_HASH) {
    this.nextSeq = expectedFirstSeq;
    this.headHash = expectedPrevHash;
  }

  /** Returns false once the chain is broken; later entries are then ignored. */
  add(entry: ChainedAuditEntry): boolean {
    if (this.failure) return false;
    const fail = (problem: string): boolean => {
      this.failure = { seq: typeof entry.seq === 'number' ? entry.seq : this.nextSeq, problem };
      return false;
    };
    if (entry.seq !== this.nextSeq) {
      return fail(
        `expected seq ${this.nextSeq}, found ${String(entry.seq)} (a gap, a reorder or a deletion)`,
      );
    }
    if (entry.prevHash !== this.headHash) {
      return fail('prevHash does not match the hash of the entry before it');
    }
    if (auditEntryHash(entry.prevHash, entry) !== entry.hash) {
      return fail('hash does not match the entry content (the entry was edited)');
    }
    this.entries += 1;
    this.nextSeq += 1;
    this.headHash = entry.hash;
    return true;
  }

  /**
   * The next entries could not be read at all (a corrupted database page): the chain is invalid
   * from the next expected seq, for the given reason. Ignored once the chain is already broken.
   */
  unreadable(problem: string): void {
    this.failure ??= { seq: this.nextSeq, problem };
  }

  result(): ChainVerification {
    return {
      valid: this.failure === undefined,
      entries: this.entries,
      headHash: this.headHash,
      ...(this.failure ? { firstInvalidSeq: this.failure.seq, problem: this.failure.problem } : {}),
    };
  }
}

export function verifyChain(entries: Iterable<ChainedAuditEntry>): ChainVerification {
  const verifier = new ChainVerifier();
  for (const entry of entries) {
    if (!verifier.add(entry)) break;
  }
  return verifier.result();
}
