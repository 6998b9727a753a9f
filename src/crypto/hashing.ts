import { createHash, createSecretKey, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * The token secret as a KeyObject, made once. Given a string, jsonwebtoken first tries to parse
 * it as a PEM public key on every verification (a measured third of a millisecond per request).
 */
export function hmacSecretKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * Whether a presented secret equals the expected one, in time that does not depend on where they
 * differ: both are hashed first, so the comparison is always of 32 bytes and no length leaks.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(presented, 'utf8').digest(),
    createHash('sha256').update(expected, 'utf8').digest(),
  );
}
