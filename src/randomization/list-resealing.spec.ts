import {
  BlindingCipher,
  BlindingDecryptionError,
  BlindingKeyVersionMismatch,
  sealedKeyVersion,
} from '../crypto/blinding-cipher';
import { resealValue } from './list-resealing';
import { slotAssociatedData } from './sealing';

const OLD_KEY = Buffer.alloc(32, 7);
const NEW_KEY = Buffer.alloc(32, 8);
const SLOT_1 = slotAssociatedData('NCT02286011', 1, 'all', 1);
const SLOT_2 = slotAssociatedData('NCT02286011', 1, 'all', 2);

describe(resealValue.name, () => {
  const from = new BlindingCipher(OLD_KEY, 1);
  const to = new BlindingCipher(NEW_KEY, 2);

  it('re-seals under the next version with the same associated data', () => {
    const resealed = resealValue(from, to, from.encrypt('LEFT', SLOT_1), SLOT_1);
    expect(sealedKeyVersion(resealed)).toBe(2);
    expect(to.decrypt(resealed, SLOT_1)).toBe('LEFT');
    // Still bound to its slot, and unreadable under the old key.
    expect(() => to.decrypt(resealed, SLOT_2)).toThrow(BlindingDecryptionError);
    expect(() => from.decrypt(resealed, SLOT_1)).toThrow(BlindingKeyVersionMismatch);
  });

  it('refuses a value that fails authentication under the old key: nothing is carried over', () => {
    const movedHere = from.encrypt('LEFT', SLOT_2);
    expect(() => resealValue(from, to, movedHere, SLOT_1)).toThrow(BlindingDecryptionError);
    expect(() => resealValue(from, to, movedHere.replace(/^v1\./, 'v9.'), SLOT_2)).toThrow(
      BlindingDecryptionError,
    );
  });
});

describe(BlindingKeyVersionMismatch.name, () => {
  it('names the version a value carries and the one the cipher holds', () => {
    const sealed = new BlindingCipher(NEW_KEY, 3).encrypt('RIGHT', SLOT_1);
    const older = new BlindingCipher(OLD_KEY, 2);
    expect(() => older.decrypt(sealed, SLOT_1)).toThrow(
      expect.objectContaining({ sealedVersion: 3, cipherVersion: 2 }),
    );
  });

  it('a cipher that adopts the version recorded for its key opens that version only', () => {
    const cipher = new BlindingCipher(NEW_KEY);
    const sealed = new BlindingCipher(NEW_KEY, 2).encrypt('RIGHT', SLOT_1);
    expect(() => cipher.decrypt(sealed, SLOT_1)).toThrow(BlindingKeyVersionMismatch);
    cipher.adoptVersion(2);
    expect(cipher.decrypt(sealed, SLOT_1)).toBe('RIGHT');
    expect(() => cipher.adoptVersion(0)).toThrow(/key version/);
  });

  it.each([
    ['v1.a.b.c', 1],
    ['v12.a.b.c', 12],
    ['1.a.b.c', undefined],
    ['v0.a.b.c', undefined],
    ['vx.a.b.c', undefined],
  ])('reads the key version of %s', (sealed, version) => {
    expect(sealedKeyVersion(sealed)).toBe(version);
  });
});
