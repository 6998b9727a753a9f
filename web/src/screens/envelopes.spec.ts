import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  byEnvelopeNumber,
  countByStatus,
  envelopeNumberOf,
  offsetMinutes,
  outstanding,
  VOID_REASON_MAX_LENGTH,
  voidable,
  voidReasonGiven,
  wallTimeToIso,
} from './envelopes';

const envelope = (envelopeNumber: string, status: 'OUTSTANDING' | 'USED' | 'VOIDED') => ({
  envelopeNumber,
  stratum: 'all',
  status,
  issuedAt: '2026-01-01T00:00:00.000Z',
  issuedBy: 'stat',
  printCount: 0,
  printedAt: null,
  printedBy: null,
  participantId: null,
  openedAt: null,
  usedAt: null,
  usedBy: null,
  voidedAt: null,
  voidedBy: null,
  voidReason: null,
});

describe('the envelopes screen’s logic', () => {
  it('reads a time of opening in the trial’s time zone, across its changes', () => {
    expect(wallTimeToIso('2026-01-15T09:15', 'Europe/Madrid')).toBe('2026-01-15T08:15:00.000Z');
    expect(wallTimeToIso('2026-07-15T09:15', 'Europe/Madrid')).toBe('2026-07-15T07:15:00.000Z');
    expect(wallTimeToIso('2026-07-15T09:15', 'UTC')).toBe('2026-07-15T09:15:00.000Z');
    // 2026-03-29 02:30 does not exist in Madrid; 2026-10-25 02:30 happens twice.
    expect(wallTimeToIso('2026-03-29T02:30', 'Europe/Madrid')).toBe('2026-03-29T01:30:00.000Z');
    expect(wallTimeToIso('2026-10-25T02:30', 'Europe/Madrid')).toMatch(/^2026-10-25T0[01]:30/);
    expect(wallTimeToIso('2026-02-30T09:15', 'Europe/Madrid')).toBeUndefined();
    expect(wallTimeToIso('yesterday', 'Europe/Madrid')).toBeUndefined();
  });

  it('knows a zone’s offset', () => {
    expect(offsetMinutes(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Madrid')).toBe(60);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Madrid')).toBe(120);
    expect(offsetMinutes(Date.parse('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-240);
  });

  it('offers the outstanding envelopes lowest number first, and counts each state', () => {
    const all = [
      envelope('ENV-0003', 'OUTSTANDING'),
      envelope('ENV-0001', 'USED'),
      envelope('ENV-0002', 'OUTSTANDING'),
      envelope('ENV-0004', 'VOIDED'),
    ];
    expect(outstanding(all).map((e) => e.envelopeNumber)).toEqual(['ENV-0002', 'ENV-0003']);
    expect(countByStatus(all)).toEqual({ OUTSTANDING: 2, USED: 1, VOIDED: 1 });
  });

  it('orders envelopes by number, not as text (ENV-9999 before ENV-10000, 2 before 10)', () => {
    const all = [
      envelope('ENV-10000', 'OUTSTANDING'),
      envelope('ENV-9999', 'OUTSTANDING'),
      envelope('ENV-10', 'OUTSTANDING'),
      envelope('ENV-0002', 'OUTSTANDING'),
      envelope('ENV-0100', 'USED'),
    ];
    expect(outstanding(all).map((e) => e.envelopeNumber)).toEqual([
      'ENV-0002',
      'ENV-10',
      'ENV-9999',
      'ENV-10000',
    ]);
    expect(envelopeNumberOf('ENV-0042')).toBe(42);
    expect(envelopeNumberOf('nothing')).toBeNaN();
    const odd = [envelope('odd', 'USED'), envelope('ENV-0003', 'USED')].sort(byEnvelopeNumber);
    expect(odd.map((e) => e.envelopeNumber)).toEqual(['ENV-0003', 'odd']);
  });

  it('offers to void only an outstanding envelope, and only with a reason that says something', () => {
    const statuses = ['OUTSTANDING', 'USED', 'VOIDED'] as const;
    expect(statuses.map((status) => voidable({ status }))).toEqual([true, false, false]);
    expect(voidReasonGiven('Seal broken')).toBe(true);
    expect(voidReasonGiven('x')).toBe(true);
    expect(voidReasonGiven('')).toBe(false);
    expect(voidReasonGiven('  \n\t ')).toBe(false);
  });

  it('bounds the reason for voiding as the API does (VoidEnvelopeDto)', () => {
    // The DTO's module carries decorators this project does not compile: its text is read.
    const dto = readFileSync(
      join(__dirname, '..', '..', '..', 'src', 'envelopes', 'dto', 'envelopes.dto.ts'),
      'utf8',
    );
    const server = /export const VOID_REASON_MAX_LENGTH = (\d+);/.exec(dto)?.[1];
    expect(Number(server)).toBe(VOID_REASON_MAX_LENGTH);
  });
});
