import { RefusalRateLimiter } from './refusal-rate';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

describe(RefusalRateLimiter.name, () => {
  it('writes the first refusals of a minute up to the limit, and counts the rest', () => {
    const limiter = new RefusalRateLimiter(3);
    const writes = Array.from({ length: 10 }, (_, i) => limiter.admit('10.0.0.1', T0 + i).write);
    expect(writes).toEqual([true, true, true, false, false, false, false, false, false, false]);
  });

  it('hands back one summary of a minute when the address refuses again in a later minute', () => {
    const limiter = new RefusalRateLimiter(2);
    for (let i = 0; i < 7; i += 1) limiter.admit('10.0.0.1', T0 + i * 1000);
    const next = limiter.admit('10.0.0.1', T0 + MINUTE + 5);
    expect(next).toEqual({
      write: true,
      due: [{ address: '10.0.0.1', minute: '2026-01-01T09:00:00.000Z', count: 5 }],
    });
    // Handed back once only.
    expect(limiter.admit('10.0.0.1', T0 + MINUTE + 6).due).toEqual([]);
  });

  it('keeps addresses apart', () => {
    const limiter = new RefusalRateLimiter(1);
    expect(limiter.admit('a', T0).write).toBe(true);
    expect(limiter.admit('b', T0).write).toBe(true);
    expect(limiter.admit('a', T0).write).toBe(false);
    expect(limiter.flush(T0 + MINUTE)).toEqual([
      { address: 'a', minute: '2026-01-01T09:00:00.000Z', count: 1 },
    ]);
  });

  it('flushes only minutes that have ended, and forgets them', () => {
    const limiter = new RefusalRateLimiter(1);
    limiter.admit('a', T0);
    limiter.admit('a', T0 + 1);
    expect(limiter.flush(T0 + MINUTE - 1)).toEqual([]);
    expect(limiter.flush(T0 + MINUTE)).toHaveLength(1);
    expect(limiter.flush(T0 + 2 * MINUTE)).toEqual([]);
    // After a flush the address starts a fresh minute.
    expect(limiter.admit('a', T0 + 2 * MINUTE).write).toBe(true);
  });

  it('writes no summary for a minute within the limit', () => {
    const limiter = new RefusalRateLimiter(5);
    for (let i = 0; i < 5; i += 1) limiter.admit('a', T0 + i);
    expect(limiter.admit('a', T0 + MINUTE).due).toEqual([]);
    expect(limiter.flush(T0 + 3 * MINUTE)).toEqual([]);
  });
});
