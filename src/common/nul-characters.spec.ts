import type { NextFunction, Request, Response } from 'express';
import { InvalidInput } from './domain-errors';
import { containsNul, refuseNulCharacters } from './nul-characters';

describe('containsNul', () => {
  it('finds U+0000 in a string, a nested value or a key, and nowhere else', () => {
    expect(containsNul('a\u0000b')).toBe(true);
    expect(containsNul({ reason: ['ok', { deep: 'x\u0000' }] })).toBe(true);
    expect(containsNul({ ['k\u0000']: 1 })).toBe(true);
    expect(containsNul({ reason: 'plain', n: 0, b: false, z: null })).toBe(false);
    expect(containsNul('\\u0000 written out')).toBe(false);
  });
});

describe('refuseNulCharacters', () => {
  const run = (originalUrl: string, body?: unknown): unknown => {
    let passed: unknown = 'not called';
    const next: NextFunction = (error?: unknown) => {
      passed = error;
    };
    refuseNulCharacters({ originalUrl, body } as Request, {} as Response, next);
    return passed;
  };

  it('refuses a NUL in the path, the query or the body with a 400 naming it', () => {
    for (const refused of [
      run('/api/participants/ELA%00001'),
      run('/api/audit-log?actor=a%00'),
      run('/api/participants', { screeningNumber: 'SCR\u00001' }),
    ]) {
      expect(refused).toBeInstanceOf(InvalidInput);
      expect((refused as InvalidInput).message).toMatch(/U\+0000/);
    }
  });

  it('passes everything else on', () => {
    expect(run('/api/participants/ELA-001', { reason: 'a reason, ñ and 100%' })).toBeUndefined();
  });
});
