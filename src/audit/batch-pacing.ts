/**
 * How many audit entries the next batch of an export or a verification reads. better-sqlite3
 * is synchronous: a batch (its read plus its serialisation or hashing) holds the event loop for
 * its whole duration, so every other request waits that long. The batch size follows the time
 * the last batch took, to stay near the budget whatever the machine's speed or load.
 */
export interface BatchPacing {
  /** Time a batch may hold the event loop. */
  budgetMs: number;
  min: number;
  max: number;
}

export const AUDIT_BATCH_PACING: BatchPacing = { budgetMs: 15, min: 20, max: 1000 };

/**
 * On PostgreSQL a read does not hold the event loop, but a batch arrives over many socket reads,
 * and what is built from it meanwhile (its CSV text) outlives young-generation collections in
 * proportion to its size. Measured on a CSV export of 1,000,000 entries (docs/performance.md,
 * "Export memory on PostgreSQL"): at most 1000 entries a batch, 78 to 80 MiB of growth; at most
 * 250, 35 MiB, in the same time.
 */
export const POSTGRES_AUDIT_BATCH_PACING: BatchPacing = { ...AUDIT_BATCH_PACING, max: 250 };

/** The next batch's size, given the size and the duration of the last one. */
export function nextBatchSize(size: number, elapsedMs: number, pacing: BatchPacing): number {
  const { budgetMs, min, max } = pacing;
  let next = size;
  // Too slow: shrink in proportion, so the next batch fits the budget at once.
  if (elapsedMs > budgetMs) next = Math.floor((size * budgetMs) / elapsedMs);
  // Well under budget: grow, at most doubling, so one fast batch cannot overshoot far.
  else if (elapsedMs < budgetMs / 2) next = size * 2;
  return Math.min(max, Math.max(min, next));
}
