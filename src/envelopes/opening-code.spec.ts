import {
  envelopeLabel,
  formatOpeningCode,
  newOpeningCode,
  normalizeOpeningCode,
  openingCodeHash,
  openingCodeMatches,
  parseEnvelopeLabel,
} from './opening-code';

describe('opening codes', () => {
  it('formats 80 bits as four groups of four Crockford base32 characters', () => {
    expect(formatOpeningCode('00000000000000000000')).toBe('0000-0000-0000-0000');
    expect(formatOpeningCode('ffffffffffffffffffff')).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(formatOpeningCode('0123456789abcdef0123')).toBe('04HM-ASW9-NF6Y-Y093');
    expect(() => formatOpeningCode('00')).toThrow();
  });

  it('draws a fresh random code each time, never with I, L, O or U', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newOpeningCode()));
    expect(codes.size).toBe(200);
    for (const code of codes)
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it('reads a code as a person types it: any case, spaces or no separators, O for 0, I or L for 1', () => {
    expect(normalizeOpeningCode('abcd efgh jkmn pqrs')).toBe('ABCDEFGHJKMNPQRS');
    expect(normalizeOpeningCode('ABCDEFGHJKMNPQRS')).toBe('ABCDEFGHJKMNPQRS');
    expect(normalizeOpeningCode('O0IL-0000-0000-0000')).toBe('0011000000000000');
    expect(normalizeOpeningCode('ABCD-EFGH-JKMN-PQR')).toBeUndefined();
    expect(normalizeOpeningCode('ABCD-EFGH-JKMN-PQRSU')).toBeUndefined();
    expect(normalizeOpeningCode('UUUU-0000-0000-0000')).toBeUndefined();
  });

  it('matches only the code of its own envelope and trial', () => {
    const code = 'ABCD-EFGH-JKMN-PQRS';
    const hash = openingCodeHash('NCT02286011', 3, code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('ABCD');
    expect(openingCodeMatches(hash, 'NCT02286011', 3, code)).toBe(true);
    expect(openingCodeMatches(hash, 'NCT02286011', 3, 'abcd efgh jkmn pqrs')).toBe(true);
    expect(openingCodeMatches(hash, 'NCT02286011', 4, code)).toBe(false);
    expect(openingCodeMatches(hash, 'OTHER', 3, code)).toBe(false);
    expect(openingCodeMatches(hash, 'NCT02286011', 3, 'ABCD-EFGH-JKMN-PQRT')).toBe(false);
    expect(openingCodeMatches(hash, 'NCT02286011', 3, 'not a code')).toBe(false);
  });

  it('labels envelope numbers ENV-0001 and reads them back', () => {
    expect(envelopeLabel(1)).toBe('ENV-0001');
    expect(envelopeLabel(12345)).toBe('ENV-12345');
    expect(parseEnvelopeLabel('ENV-0001')).toBe(1);
    expect(parseEnvelopeLabel('env-0042')).toBe(42);
    expect(parseEnvelopeLabel('ENV-0000')).toBeUndefined();
    expect(parseEnvelopeLabel('ENV-1')).toBeUndefined();
    expect(parseEnvelopeLabel('0001')).toBeUndefined();
  });
});
