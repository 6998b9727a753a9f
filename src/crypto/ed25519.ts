import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/** Ed25519 signing and key handling for the audit log's checkpoints. */

export function signEd25519(privateKey: KeyObject, message: Buffer): Buffer {
  return sign(null, message, privateKey);
}

export function verifyEd25519(publicKey: KeyObject, message: Buffer, signature: Buffer): boolean {
  return verify(null, message, publicKey, signature);
}

/** SPKI DER of a public key, base64: the form a checkpoint carries. */
export function publicKeyBase64(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** SHA-256 hex of the SPKI DER, short enough to read out over the phone and compare. */
export function publicKeyFingerprint(publicKey: KeyObject | string): string {
  const der =
    typeof publicKey === 'string'
      ? Buffer.from(publicKey, 'base64')
      : publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Reads an Ed25519 public key given as PEM (`-----BEGIN PUBLIC KEY-----`) or as base64 SPKI DER.
 * Throws an Error that says what was wrong; callers turn it into a usage error.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: decodeStrictBase64(trimmed), format: 'der', type: 'spki' });
  } catch {
    throw new Error('not a public key in PEM or base64 SPKI DER form');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`not an Ed25519 key (found ${key.asymmetricKeyType ?? 'unknown'})`);
  }
  return key;
}

/** Buffer.from(…, 'base64') silently skips junk; a signature or key must be exact base64. */
export function decodeStrictBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error('not base64');
  }
  return Buffer.from(text, 'base64');
}
