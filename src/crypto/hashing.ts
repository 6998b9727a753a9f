import { createHash, createSecretKey, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Compares two strings in constant time for equal lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The token secret as a KeyObject, made once. Given a string, jsonwebtoken first tries to parse
 * it as a PEM public key on every verification (a measured third of a millisecond per request).
 */
export function hmacSecretKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
