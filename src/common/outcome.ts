/**
 * A unit of work's result: an answer, or a refusal. A refusal that must be audited is returned,
 * not thrown, so that its audit entry commits with the transaction; unwrap() throws it after.
 */
export type Outcome<T> = { ok: T } | { refusal: Error };

export async function unwrap<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  const result = await outcome;
  if ('refusal' in result) throw result.refusal;
  return result.ok;
}
