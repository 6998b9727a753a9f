import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for everything blinded (each slot's target, the list's seed and nonce).
 *
 * Stored form: `v<keyVersion>.<iv>.<ciphertext>.<tag>`, each part base64url. The plaintext is
 * padded to a fixed length so that LEFT and RIGHT (or any two targets) give ciphertexts of the
 * same length. The associated data names what the plaintext belongs to (trial, list, slot), so a
 * ciphertext copied to another slot or edited in place fails to decrypt instead of decrypting to
 * the wrong answer.
 */
export const CURRENT_KEY_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Every plaintext is padded to a multiple of this many bytes (a target id fits in one block). */
const PAD_BLOCK = 64;

export class BlindingDecryptionError extends Error {
  constructor(what: string) {
    super(`Sealed value ${what} failed authentication: it was edited, moved or the key is wrong`);
    this.name = 'BlindingDecryptionError';
  }
}

/**
 * The value names another key version than this cipher's: after a key rotation, a server still
 * running with the old key sees the new version here. Still a decryption failure (a relabelled
 * value lands here too); callers that can tell a rotation from tampering check the database.
 */
export class BlindingKeyVersionMismatch extends BlindingDecryptionError {
  constructor(
    what: string,
    readonly sealedVersion: number,
    readonly cipherVersion: number,
  ) {
    super(what);
    this.name = 'BlindingKeyVersionMismatch';
  }
}

/** The key version a sealed value names (its `v<n>.` prefix), or undefined when it names none. */
export function sealedKeyVersion(sealed: string): number | undefined {
  const match = /^v([1-9][0-9]{0,8})\./.exec(sealed);
  return match ? Number(match[1]) : undefined;
}

function pad(plaintext: string): Buffer {
  const bytes = Buffer.from(plaintext, 'utf8');
  // One length byte pair, then the bytes, then zeros up to the next multiple of PAD_BLOCK.
  const total = Math.ceil((bytes.length + 2) / PAD_BLOCK) * PAD_BLOCK;
  const padded = Buffer.alloc(total);
  padded.writeUInt16BE(bytes.length, 0);
  bytes.copy(padded, 2);
  return padded;
}

function unpad(padded: Buffer): string {
  const length = padded.readUInt16BE(0);
  return padded.subarray(2, 2 + length).toString('utf8');
}

export class BlindingCipher {
  private version: number;

  constructor(
    private readonly key: Buffer,
    keyVersion = CURRENT_KEY_VERSION,
  ) {
    if (key.length !== 32) throw new Error('The blinding key must be 32 bytes');
    this.version = keyVersion;
  }

  /** The version this key has in the database (1 until a `key rotate`). */
  get keyVersion(): number {
    return this.version;
  }

  /**
   * Which version a key is, is recorded in the database (key_checks), not in the key: the start
   * sets it once the key check has matched, before anything is sealed or opened.
   */
  adoptVersion(keyVersion: number): void {
    if (!Number.isInteger(keyVersion) || keyVersion < 1)
      throw new Error(`Not a key version: ${keyVersion}`);
    this.version = keyVersion;
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${this.keyVersion}|${associatedData}`, 'utf8'));
    const body = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
    return [
      `v${this.keyVersion}`,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  decrypt(sealed: string, associatedData: string): string {
    const parts = sealed.split('.');
    const version = sealedKeyVersion(sealed);
    if (parts.length !== 4 || version === undefined) {
      throw new BlindingDecryptionError(associatedData);
    }
    if (version !== this.keyVersion) {
      throw new BlindingKeyVersionMismatch(associatedData, version, this.keyVersion);
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.key,
        Buffer.from(parts[1], 'base64url'),
        { authTagLength: TAG_BYTES },
      );
      decipher.setAAD(Buffer.from(`${version}|${associatedData}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
      return unpad(
        Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]),
      );
    } catch {
      throw new BlindingDecryptionError(associatedData);
    }
  }

  /**
   * A key check value: an HMAC of a fixed label under the key. Stored at first start; a different
   * key gives a different value, so a wrong key stops the start before anything is decrypted.
   */
  checkValue(): string {
    return createHmac('sha256', this.key)
      .update('blinding-key-check-v1')
      .digest('hex')
      .slice(0, 32);
  }
}
