import { Conflict, HTTP_STATUS_OF, StorageUnavailable } from '../common/domain-errors';
import {
  failedAllocationOutcome,
  refusalKindOf,
  refusalLabels,
  secondsSince,
} from './metric-labels';

describe(refusalKindOf.name, () => {
  it('names each status of a domain error kind by that kind', () => {
    for (const [kind, status] of Object.entries(HTTP_STATUS_OF))
      expect(refusalKindOf(status)).toBe(kind);
  });

  it('names an unexpected 500 internal, and any other status other', () => {
    expect(refusalKindOf(500)).toBe('internal');
    expect(refusalKindOf(405)).toBe('other');
  });

  it('labels a refusal by kind and code only', () => {
    expect(refusalLabels(409, 'ALREADY_ALLOCATED')).toEqual({
      kind: 'conflict',
      code: 'ALREADY_ALLOCATED',
    });
  });
});

describe(failedAllocationOutcome.name, () => {
  it('calls a 4xx domain error a refusal, and a storage fault or a bug an error', () => {
    expect(failedAllocationOutcome(new Conflict('x', 'LIST_EXHAUSTED'))).toBe('refused');
    expect(failedAllocationOutcome(new StorageUnavailable('disk full'))).toBe('error');
    expect(failedAllocationOutcome(new TypeError('bug'))).toBe('error');
  });
});

describe(secondsSince.name, () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('gives the seconds from an ISO time to now', () => {
    expect(secondsSince('2026-01-01T11:59:30.000Z', now)).toBe(30);
  });

  it('reads a time ahead of this clock as just now, never a negative age', () => {
    expect(secondsSince('2026-01-01T12:05:00.000Z', now)).toBe(0);
  });

  it('has no age for no time or an unreadable one', () => {
    expect(secondsSince(null, now)).toBeUndefined();
    expect(secondsSince(undefined, now)).toBeUndefined();
    expect(secondsSince('yesterday-ish', now)).toBeUndefined();
  });
});
