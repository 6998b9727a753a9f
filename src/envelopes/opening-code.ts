import { randomHex, secretsEqual, sha256Hex } from '../crypto/hashing';

/**
 * The opening code printed inside a downtime envelope: 80 random bits in Crockford's base32
 * (no I, L, O or U, so nothing reads as another character), in four groups of four:
 * "7KQ2-M9XD-4HTP-B3WC". The server keeps only a SHA-256 bound to the trial and the envelope
 * number, so a code copied from another envelope, or a hash moved to another row, never matches.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const OPENING_CODE_GROUPS = 4;
const GROUP = 4;
const CHARS = OPENING_CODE_GROUPS * GROUP;

/** What a code typed by a person may look like: any case, groups apart by dashes or spaces. */
export const OPENING_CODE_INPUT = /^[0-9A-Za-z -]{16,40}$/;

/** Formats 10 bytes (hex) as a grouped code; pure, for the tests. */
export function formatOpeningCode(hex: string): string {
  if (!/^[0-9a-f]{20}$/.test(hex)) throw new Error('An opening code is made from 10 random bytes');
  let value = BigInt(`0x${hex}`);
  let chars = '';
  for (let i = 0; i < CHARS; i += 1) {
    chars = ALPHABET[Number(value & 31n)] + chars;
    value >>= 5n;
  }
  return chars.match(/.{4}/g)!.join('-');
}

export function newOpeningCode(): string {
  return formatOpeningCode(randomHex(10));
}

/**
 * The code as typed, in its one canonical form: upper case, no separators, and the characters
 * Crockford's base32 reads as others (O as 0, I and L as 1). Undefined when it is no code.
 */
export function normalizeOpeningCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== CHARS) return undefined;
  for (const char of plain) if (!ALPHABET.includes(char)) return undefined;
  return plain;
}

/** What the server stores: SHA-256 over trial, envelope number and the canonical code. */
export function openingCodeHash(protocolId: string, envelopeNumber: number, code: string): string {
  const canonical = normalizeOpeningCode(code);
  if (canonical === undefined) throw new Error('Not an opening code');
  return sha256Hex(`${protocolId}|envelope:${envelopeNumber}|${canonical}`);
}

/** Whether a typed code is the one whose hash is stored; in time that does not tell where they differ. */
export function openingCodeMatches(
  storedHash: string,
  protocolId: string,
  envelopeNumber: number,
  typed: string,
): boolean {
  const canonical = normalizeOpeningCode(typed);
  if (canonical === undefined) return false;
  return secretsEqual(openingCodeHash(protocolId, envelopeNumber, canonical), storedHash);
}

/** The number as printed on the outside: ENV-0001. */
export function envelopeLabel(envelopeNumber: number): string {
  return `ENV-${String(envelopeNumber).padStart(4, '0')}`;
}

export const ENVELOPE_LABEL = /^ENV-(\d{4,6})$/i;

/** The number of a label ("ENV-0001", any case), or undefined. */
export function parseEnvelopeLabel(label: string): number | undefined {
  const match = ENVELOPE_LABEL.exec(label.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return value >= 1 ? value : undefined;
}
