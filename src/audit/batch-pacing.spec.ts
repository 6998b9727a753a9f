import { AUDIT_BATCH_PACING, nextBatchSize } from './batch-pacing';

const pacing = { budgetMs: 10, min: 20, max: 1000 };

describe(nextBatchSize.name, () => {
  it('shrinks a batch that took longer than the budget in proportion', () => {
    expect(nextBatchSize(1000, 40, pacing)).toBe(250);
    expect(nextBatchSize(500, 11, pacing)).toBe(454);
  });

  it('doubles a batch that took less than half the budget, up to the maximum', () => {
    expect(nextBatchSize(100, 2, pacing)).toBe(200);
    expect(nextBatchSize(800, 0, pacing)).toBe(1000);
  });

  it('keeps a batch that took between half the budget and the budget', () => {
    expect(nextBatchSize(300, 5, pacing)).toBe(300);
    expect(nextBatchSize(300, 10, pacing)).toBe(300);
  });

  it('never goes below the minimum, however slow the machine', () => {
    expect(nextBatchSize(20, 10_000, pacing)).toBe(20);
    expect(nextBatchSize(1000, Number.MAX_SAFE_INTEGER, pacing)).toBe(20);
  });

  it('settles within the bounds from any start', () => {
    for (const start of [1, 20, 999, 1000, 5000]) {
      const size = nextBatchSize(start, pacing.budgetMs * 0.75, AUDIT_BATCH_PACING);
      expect(size).toBeGreaterThanOrEqual(AUDIT_BATCH_PACING.min);
      expect(size).toBeLessThanOrEqual(AUDIT_BATCH_PACING.max);
    }
  });
});
