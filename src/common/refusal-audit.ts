import { AuditAction } from '../audit/audit-actions';
import { AuditDetails } from '../audit/audit-chain';

/**
 * The one path that audits a refusal (SPEC: every refusal is audited) is the exception filter.
 * A service that audits its refusal itself, inside its business transaction so that the entry
 * commits with it, marks the error audited and the filter skips it; a refusal raised elsewhere
 * (the guard, validation, a body the parser refused) may say how it should be recorded.
 */
const AUDITED = new WeakSet<object>();

/** What the filter records for a refusal in place of its defaults. */
export interface RefusalAudit {
  action: AuditAction;
  reason: string;
  details?: AuditDetails;
}

const DESCRIBED = new WeakMap<object, RefusalAudit>();

/** Marks a refusal whose audit entry is already written; returns it, to be thrown. */
export function alreadyAudited<E extends Error>(error: E): E {
  AUDITED.add(error);
  return error;
}

export function isAlreadyAudited(error: unknown): boolean {
  return typeof error === 'object' && error !== null && AUDITED.has(error);
}

/** Tells the filter how to record this refusal; returns it, to be thrown. */
export function auditRefusalAs<E extends Error>(error: E, audit: RefusalAudit): E {
  DESCRIBED.set(error, audit);
  return error;
}

export function refusalAuditOf(error: unknown): RefusalAudit | undefined {
  return typeof error === 'object' && error !== null ? DESCRIBED.get(error) : undefined;
}
