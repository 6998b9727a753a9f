import {
  minutesAndSeconds,
  refreshDue,
  sessionPhase,
  SESSION_ABSOLUTE_LIMIT_MS,
  WARNING_BEFORE_MS,
} from './session-timing';

const MINUTE = 60_000;
const start = 1_800_000_000_000;
const fresh = { issuedAt: start, expiresAt: start + 15 * MINUTE, startedAt: start };

describe('session timing', () => {
  it('is active until two minutes before expiry, then warns, then has expired', () => {
    expect(sessionPhase(fresh, start)).toEqual({ kind: 'active' });
    expect(sessionPhase(fresh, fresh.expiresAt - WARNING_BEFORE_MS - 1)).toEqual({
      kind: 'active',
    });
    expect(sessionPhase(fresh, fresh.expiresAt - WARNING_BEFORE_MS)).toEqual({
      kind: 'warning',
      remainingMs: WARNING_BEFORE_MS,
    });
    expect(sessionPhase(fresh, fresh.expiresAt)).toEqual({ kind: 'expired' });
  });

  it('gives the final warning, with no offer to stay, when the 12-hour limit is what ends it', () => {
    const end = start + SESSION_ABSOLUTE_LIMIT_MS;
    const last = { issuedAt: end - 10 * MINUTE, expiresAt: end, startedAt: start };
    expect(sessionPhase(last, end - MINUTE)).toEqual({ kind: 'final', remainingMs: MINUTE });
    expect(refreshDue(last, end - 5 * MINUTE)).toBe(false);
  });

  it('refreshes after a third of the token’s life, never after expiry', () => {
    expect(refreshDue(fresh, start + 4 * MINUTE)).toBe(false);
    expect(refreshDue(fresh, start + 5 * MINUTE)).toBe(true);
    expect(refreshDue(fresh, fresh.expiresAt)).toBe(false);
  });

  it('words a duration as whole minutes and seconds, rounding up', () => {
    expect(minutesAndSeconds(119_001)).toEqual({ minutes: 2, seconds: 0 });
    expect(minutesAndSeconds(61_000)).toEqual({ minutes: 1, seconds: 1 });
    expect(minutesAndSeconds(-5)).toEqual({ minutes: 0, seconds: 0 });
  });
});
