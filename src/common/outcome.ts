/**
 * A unit of work's result: an answer, or a refusal. A refusal that must be audited is returned,
 * not thrown, so that its audit entry commits with the transaction; unwrap() throws it after.
 * AuditService.recordRefusal marks it audited (common/refusal-audit.ts), so the exception
 * filter, which audits every other refusal, does not record it twice.
 */
export type Outcome<T> = { ok: T } | { refusal: Error };

export async function unwrap<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  const result = await outcome;
  if ('refusal' in result) throw result.refusal;
  return result.ok;
}
