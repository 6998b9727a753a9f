import { randomBytes } from 'node:crypto';
import { BlindingCipher, BlindingDecryptionError, CURRENT_KEY_VERSION } from './blinding-cipher';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);
const SLOT_1 = 'NCT02286011|list-1|all|1';
const SLOT_2 = 'NCT02286011|list-1|all|2';

/** The sealed value with one bit of one decoded part flipped. */
function flipBit(sealed: string, part: number, byte: number, bit = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[byte] ^= 1 << bit;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe(BlindingCipher.name, () => {
  const cipher = new BlindingCipher(KEY);

  it.each(['LEFT', 'RIGHT', '', 'ACTIVE', 'ünïcødé ✓', '{"seed":"abc","nonce":"def"}'])(
    'decrypts what it encrypted: %j',
    (plaintext) => {
      expect(cipher.decrypt(cipher.encrypt(plaintext, SLOT_1), SLOT_1)).toBe(plaintext);
    },
  );

  it('round-trips a plaintext longer than one padding block', () => {
    const long = 'x'.repeat(500);
    expect(cipher.decrypt(cipher.encrypt(long, SLOT_1), SLOT_1)).toBe(long);
  });

  it('writes the key version, a 96-bit IV, the ciphertext and a 128-bit tag', () => {
    const parts = cipher.encrypt('LEFT', SLOT_1).split('.');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe(`v${CURRENT_KEY_VERSION}`);
    expect(Buffer.from(parts[1], 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3], 'base64url')).toHaveLength(16);
  });

  it('gives LEFT and RIGHT ciphertexts of the same length, so length cannot reveal the limb', () => {
    const lengths = new Set(
      ['LEFT', 'RIGHT', 'LEFT', 'RIGHT', 'L', 'PLACEBO'].map(
        (limb) => cipher.encrypt(limb, SLOT_1).length,
      ),
    );
    expect(lengths.size).toBe(1);
  });

  it('uses a fresh IV each time: the same plaintext and slot never encrypt the same way twice', () => {
    const sealed = Array.from({ length: 50 }, () => cipher.encrypt('LEFT', SLOT_1));
    expect(new Set(sealed).size).toBe(50);
    expect(new Set(sealed.map((s) => s.split('.')[1])).size).toBe(50);
  });

  describe('refuses to decrypt, with BlindingDecryptionError,', () => {
    const sealed = cipher.encrypt('RIGHT', SLOT_1);
    const [, iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));

    it.each([
      ['the IV', 1, iv.length],
      ['the ciphertext', 2, body.length],
      ['the tag', 3, tag.length],
    ])('a value with any one bit of %s flipped', (_name, part, length) => {
      for (let byte = 0; byte < length; byte++) {
        for (const bit of [0, 7]) {
          expect(() => cipher.decrypt(flipBit(sealed, part, byte, bit), SLOT_1)).toThrow(
            BlindingDecryptionError,
          );
        }
      }
    });

    it('a ciphertext moved to another slot (other associated data)', () => {
      expect(() => cipher.decrypt(sealed, SLOT_2)).toThrow(BlindingDecryptionError);
      expect(() => cipher.decrypt(sealed, `${SLOT_1} `)).toThrow(BlindingDecryptionError);
    });

    it('a value sealed under another key', () => {
      expect(() => new BlindingCipher(OTHER_KEY).decrypt(sealed, SLOT_1)).toThrow(
        BlindingDecryptionError,
      );
    });

    it('a value whose key version was changed', () => {
      const relabelled = sealed.replace(/^v\d+\./, `v${CURRENT_KEY_VERSION + 1}.`);
      expect(() => cipher.decrypt(relabelled, SLOT_1)).toThrow(BlindingDecryptionError);
    });

    it('a value sealed under another key version, even with the same key bytes', () => {
      const v2 = new BlindingCipher(KEY, 2);
      const sealedV2 = v2.encrypt('RIGHT', SLOT_1);
      expect(v2.decrypt(sealedV2, SLOT_1)).toBe('RIGHT');
      expect(() => cipher.decrypt(sealedV2, SLOT_1)).toThrow(BlindingDecryptionError);
      // Relabelled as version 1, the associated data still differs, so it fails authentication.
      expect(() => cipher.decrypt(sealedV2.replace(/^v2\./, 'v1.'), SLOT_1)).toThrow(
        BlindingDecryptionError,
      );
    });

    it.each([
      ['an empty string', ''],
      ['too few parts', 'v1.aaaa.bbbb'],
      ['too many parts', `${sealed}.extra`],
      ['no version prefix', sealed.replace(/^v/, '')],
      ['a truncated tag', sealed.slice(0, -4)],
      ['an empty IV', sealed.replace(/^(v\d+)\.[^.]+\./, '$1..')],
    ])('a malformed value: %s', (_name, value) => {
      expect(() => cipher.decrypt(value, SLOT_1)).toThrow(BlindingDecryptionError);
    });

    it('and says what failed without revealing the plaintext', () => {
      expect(() => cipher.decrypt(sealed, SLOT_2)).toThrow(
        `Sealed value ${SLOT_2} failed authentication`,
      );
    });
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new BlindingCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => new BlindingCipher(Buffer.alloc(33))).toThrow(/32 bytes/);
  });

  describe('checkValue', () => {
    it('is stable for one key', () => {
      expect(new BlindingCipher(KEY).checkValue()).toBe(cipher.checkValue());
      expect(cipher.checkValue()).toMatch(/^[0-9a-f]{32}$/);
    });

    it('differs between keys', () => {
      const values = new Set(
        [KEY, OTHER_KEY, randomBytes(32), randomBytes(32)].map((key) =>
          new BlindingCipher(key).checkValue(),
        ),
      );
      expect(values.size).toBe(4);
    });
  });
});
