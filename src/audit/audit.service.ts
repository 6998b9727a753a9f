import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError, HTTP_STATUS_OF, NotFound } from '../common/domain-errors';
import { alreadyAudited } from '../common/refusal-audit';
import { TrialDefinition } from '../config/trial-definition';
import { advisoryXactLock, XACT_LOCK } from '../database/postgres-locks';
import { isParticipantId } from '../participants/participant-views';
import { TRIAL_DEFINITION } from '../runtime';
import { AuditAction } from './audit-actions';
import { AuditDetails, AuditOutcome, ChainedAuditEntry, chainEntry } from './audit-chain';
import { AuditEntriesRepository } from './audit-entries.repository';

export interface AuditEvent {
  actor: Actor;
  action: AuditAction;
  outcome: AuditOutcome;
  participantId?: string | null;
  reason?: string | null;
  /** Never a limb, seed, nonce, password or token. */
  details?: AuditDetails;
}

// The row mapping lives with the table (audit-entries.repository.ts); re-exported for its users.
export { fromAuditRow, toAuditRow } from './audit-entries.repository';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A string as the database will store it: a lone UTF-16 surrogate (possible in JSON input) has
 * no UTF-8 form and would come back changed, breaking the entry's hash; it becomes U+FFFD first.
 */
export function storableText<T extends string | null>(text: T): T {
  return (text === null ? null : text.replace(LONE_SURROGATE, '\uFFFD')) as T;
}

/**
 * The log's length and last hash (64 zeros when empty), read in the caller's transaction. For
 * callers outside the Nest container (commands, the head journal); the SQL is the repository's.
 */
export function chainHead(manager: EntityManager): Promise<{ entries: number; headHash: string }> {
  return HEAD_READER.head(manager);
}
const HEAD_READER = new AuditEntriesRepository();

/**
 * Appends to the chained audit log inside the caller's transaction, so an action and its entry
 * commit together or not at all. On SQLite the caller's write transaction holds the write lock,
 * on PostgreSQL record() takes the audit append lock, so reading the head and appending after it
 * cannot race with another writer, in this process or another.
 */
/** The longest requested id kept in details: enough to recognise it, too short to stuff the log. */
export const REQUESTED_ID_MAX_LENGTH = 64;

/** Without a trial (a maintenance command), the shape every id format of a trial file fits. */
const ANY_TRIAL_ID = /^[A-Za-z0-9_-]{1,64}$/;

@Injectable()
export class AuditService {
  constructor(
    private readonly entries: AuditEntriesRepository,
    @Optional()
    @Inject(TRIAL_DEFINITION)
    private readonly trial?: Pick<TrialDefinition, 'participantIds'>,
  ) {}

  /**
   * A requested id is recorded as participantId only when it has the trial's id format; any
   * other text (a probe such as `x;=1+1;`) goes into details.requestedParticipantId, truncated.
   */
  private participantFields(event: AuditEvent): {
    participantId: string | null;
    details: AuditDetails;
  } {
    const requested = event.participantId ?? null;
    const details = event.details ?? {};
    if (requested === null) return { participantId: null, details };
    const valid = this.trial
      ? isParticipantId(this.trial.participantIds, requested)
      : ANY_TRIAL_ID.test(requested);
    if (valid) return { participantId: requested, details };
    return {
      participantId: null,
      details: {
        ...details,
        requestedParticipantId: storableText(requested.slice(0, REQUESTED_ID_MAX_LENGTH)),
      },
    };
  }

  async record(manager: EntityManager, event: AuditEvent): Promise<ChainedAuditEntry> {
    const { participantId, details } = this.participantFields(event);
    // PostgreSQL: appends queue here, not for the whole transaction. The lock is held until this
    // transaction ends, so the next appender reads this entry as the head once it has committed
    // (seq order is commit order) or the same head again if it rolled back (no gap). Services
    // append last, just before their commit, so the lock is held for one insert and the COMMIT.
    await advisoryXactLock(manager, XACT_LOCK.auditAppend);
    const head = await this.entries.head(manager);
    const entry = chainEntry(head.headHash, {
      seq: head.entries + 1,
      at: new Date().toISOString(),
      actor: storableText(event.actor.username),
      roles: [...event.actor.roles],
      action: event.action,
      participantId,
      outcome: event.outcome,
      reason: storableText(event.reason ?? null),
      details,
      ip: storableText(event.actor.ip),
      requestId: storableText(event.actor.requestId),
    });
    await this.entries.append(manager, entry);
    return entry;
  }

  /** The first entry of an action with an outcome, if any (the list report's seed source). */
  firstEntryOf(
    manager: EntityManager,
    action: AuditAction,
    outcome: AuditOutcome,
  ): Promise<ChainedAuditEntry | undefined> {
    return this.entries.firstOf(manager, action, outcome);
  }

  /**
   * Every successful entry of the given actions, oldest first (the blinding register, the
   * envelopes' voidings and first printing).
   */
  successesOf(manager: EntityManager, actions: AuditAction[]): Promise<ChainedAuditEntry[]> {
    return this.entries.successesOf(manager, actions);
  }

  /**
   * Records a refused action in the caller's transaction (SPEC: every refusal is audited), and hands the
   * refusal back to be thrown once that transaction has committed (see common/outcome.ts).
   * An unknown participant is REJECTED; a rule that forbids the action is DENIED.
   */

  async recordRefusal(
    manager: EntityManager,
    actor: Actor,
    action: AuditAction,
    participantId: string | null,
    refusal: Error,
  ): Promise<{ refusal: Error }> {
    await this.record(manager, {
      actor,
      action,
      outcome: refusal instanceof NotFound ? 'REJECTED' : 'DENIED',
      participantId,
      reason: refusal.message,
      details:
        refusal instanceof DomainError
          ? { code: refusal.code, status: HTTP_STATUS_OF[refusal.kind] }
          : { code: 'INTERNAL_ERROR', status: 500 },
    });
    return { refusal: alreadyAudited(refusal) };
  }
}
