import { runClients } from './http';
import { quantile, skippedRow, summariseLatencies } from './report';

describe('benchmark report helpers', () => {
  describe(quantile.name, () => {
    it('takes the nearest rank, whatever the order of the values', () => {
      const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
      expect(quantile(values, 0.5)).toBe(5);
      expect(quantile(values, 0.99)).toBe(10);
      expect(quantile(values, 0.1)).toBe(1);
      expect(quantile(values, 0)).toBe(1);
      expect(quantile(values, 1)).toBe(10);
    });

    it('gives the 99th of 100 values as p99, and NaN for no values', () => {
      const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
      expect(quantile(hundred, 0.99)).toBe(99);
      expect(quantile([], 0.5)).toBeNaN();
    });
  });

  describe(summariseLatencies.name, () => {
    it('counts requests per second of wall time, not per summed latency', () => {
      const summary = summariseLatencies([10, 20, 30, 40], 500);
      expect(summary).toEqual({ count: 4, perSecond: 8, p50: 20, p99: 40 });
    });
  });

  describe(skippedRow.name, () => {
    it('says why, and is neither a pass nor a failure', () => {
      const row = skippedRow('PostgreSQL rows', 'no PostgreSQL binaries');
      expect(row.figure).toBe('skipped: no PostgreSQL binaries');
      expect(row.pass).toBeNull();
    });
  });

  describe(runClients.name, () => {
    it('gives each client its number, takes every index once, at most `clients` at a time', async () => {
      let inFlight = 0;
      let most = 0;
      const seen: [number, number][] = [];
      const run = await runClients(
        3,
        10,
        Infinity,
        () => 0,
        async (index, client) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          seen.push([index, client]);
          inFlight -= 1;
        },
      );
      expect(seen.map(([index]) => index).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
      expect(new Set(seen.map(([, client]) => client))).toEqual(new Set([0, 1, 2]));
      expect(most).toBe(3);
      expect(run.latencies).toHaveLength(10);
    });

    it('starts no task once the deadline has passed', async () => {
      let clock = 0;
      const startedAt: number[] = [];
      const run = await runClients(
        2,
        100,
        5,
        () => clock,
        () => {
          startedAt.push(clock);
          clock += 1;
          return Promise.resolve();
        },
      );
      expect(startedAt.length).toBeGreaterThan(0);
      expect(startedAt.length).toBeLessThan(100);
      expect(startedAt.every((at) => at < 5)).toBe(true);
      expect(run.latencies).toHaveLength(startedAt.length);
    });
  });
});
