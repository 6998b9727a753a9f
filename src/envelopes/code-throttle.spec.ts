import {
  codeAttemptWait,
  codeWindowStart,
  WRONG_CODE_WINDOW_SECONDS,
  WRONG_CODES_ALLOWED,
} from './code-throttle';

const now = Date.parse('2026-03-02T10:00:00.000Z');
const secondsAgo = (s: number) => now - s * 1000;

describe(codeAttemptWait.name, () => {
  it('takes attempts while fewer wrong codes than allowed are in the window', () => {
    expect(codeAttemptWait([], now)).toBeUndefined();
    const fewer = Array.from({ length: WRONG_CODES_ALLOWED - 1 }, (_, i) => secondsAgo(i));
    expect(codeAttemptWait(fewer, now)).toBeUndefined();
  });

  it('refuses at the limit until the oldest counted failure leaves the window', () => {
    // Five failures 60, 50, 40, 30 and 20 seconds ago: the one 60 s ago frees the envelope.
    const five = [60, 50, 40, 30, 20].map(secondsAgo);
    expect(WRONG_CODES_ALLOWED).toBe(5);
    expect(codeAttemptWait(five, now)).toBe(WRONG_CODE_WINDOW_SECONDS - 60);
    // In any order; with more than the limit, the one whose leaving brings it under counts.
    const seven = [10, 600, 30, 20, 40, 50, 60].map(secondsAgo);
    expect(codeAttemptWait(seven, now)).toBe(WRONG_CODE_WINDOW_SECONDS - 50);
  });

  it('never answers a wait under one second', () => {
    const atEdge = [WRONG_CODE_WINDOW_SECONDS, 4, 3, 2, 1].map(secondsAgo);
    expect(codeAttemptWait(atEdge, now)).toBe(1);
  });

  it('starts the window its length before now', () => {
    expect(codeWindowStart(new Date(now))).toBe('2026-03-02T09:45:00.000Z');
  });
});
