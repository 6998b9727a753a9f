import { generateKeyPairSync, verify } from 'node:crypto';
import { GENESIS_HASH } from './audit-chain';
import {
  AuditCheckpoint,
  checkpointMatchesChain,
  checkpointMessage,
  signCheckpoint,
  verifyCheckpoint,
} from './audit-checkpoint';
import { parsePublicKey, publicKeyBase64, publicKeyFingerprint } from '../crypto/ed25519';

const serverKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const HEAD = { entries: 42, headHash: 'ab'.repeat(32) };
const AT = '2025-03-01T12:00:00.000Z';

function checkpoint(): AuditCheckpoint {
  return signCheckpoint(serverKeys.privateKey, serverKeys.publicKey, HEAD, AT);
}

describe(checkpointMessage.name, () => {
  it('is the canonical JSON of entries, headHash and at, keys sorted', () => {
    expect(checkpointMessage({ ...HEAD, at: AT })).toBe(
      `{"at":"${AT}","entries":42,"headHash":"${'ab'.repeat(32)}"}`,
    );
  });
});

describe(signCheckpoint.name, () => {
  it('signs the documented message with Ed25519 and carries the SPKI DER public key', () => {
    const signed = checkpoint();
    expect(signed).toMatchObject({ ...HEAD, at: AT });
    const message = Buffer.from(checkpointMessage(signed), 'utf8');
    expect(
      verify(null, message, serverKeys.publicKey, Buffer.from(signed.signature, 'base64')),
    ).toBe(true);
    expect(Buffer.from(signed.publicKey, 'base64')).toEqual(
      serverKeys.publicKey.export({ type: 'spki', format: 'der' }),
    );
  });
});

describe(verifyCheckpoint.name, () => {
  it('accepts an untouched checkpoint against the key it carries', () => {
    expect(verifyCheckpoint(checkpoint())).toBe(true);
  });

  it('accepts it against the trusted key as KeyObject, PEM or base64 SPKI', () => {
    const pem = serverKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyCheckpoint(checkpoint(), serverKeys.publicKey)).toBe(true);
    expect(verifyCheckpoint(checkpoint(), pem)).toBe(true);
    expect(verifyCheckpoint(checkpoint(), publicKeyBase64(serverKeys.publicKey))).toBe(true);
  });

  it.each([
    ['entries', { entries: 41 }],
    ['headHash', { headHash: 'cd'.repeat(32) }],
    ['at', { at: '2025-03-02T12:00:00.000Z' }],
  ])('rejects a checkpoint whose %s was changed after signing', (_field, change) => {
    expect(verifyCheckpoint({ ...checkpoint(), ...change })).toBe(false);
  });

  it('rejects a checkpoint re-signed by another key when the trusted key is given', () => {
    const forged = signCheckpoint(otherKeys.privateKey, otherKeys.publicKey, HEAD, AT);
    expect(verifyCheckpoint(forged)).toBe(true); // self-consistent, which proves little...
    expect(verifyCheckpoint(forged, serverKeys.publicKey)).toBe(false); // ...hence the pin
  });

  it('rejects a checkpoint that carries the trusted key but a signature by another', () => {
    const forged = {
      ...signCheckpoint(otherKeys.privateKey, otherKeys.publicKey, HEAD, AT),
      publicKey: publicKeyBase64(serverKeys.publicKey),
    };
    expect(verifyCheckpoint(forged)).toBe(false);
    expect(verifyCheckpoint(forged, serverKeys.publicKey)).toBe(false);
  });

  it.each([
    ['a signature that is not base64', { signature: 'not base64!' }],
    ['a truncated signature', { signature: Buffer.alloc(10).toString('base64') }],
    ['a public key that is not a key', { publicKey: 'AAAA' }],
  ])('returns false, without throwing, for %s', (_what, change) => {
    expect(verifyCheckpoint({ ...checkpoint(), ...change })).toBe(false);
  });

  it('throws for an unreadable trusted key, which is the caller’s mistake', () => {
    expect(() => verifyCheckpoint(checkpoint(), 'garbage')).toThrow(/PEM or base64 SPKI/);
  });
});

describe(parsePublicKey.name, () => {
  it('refuses a key that is not Ed25519', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => parsePublicKey(publicKeyBase64(publicKey))).toThrow(/not an Ed25519 key/);
  });

  it('gives the same fingerprint for a KeyObject and its base64 SPKI', () => {
    expect(publicKeyFingerprint(serverKeys.publicKey)).toBe(
      publicKeyFingerprint(publicKeyBase64(serverKeys.publicKey)),
    );
    expect(publicKeyFingerprint(serverKeys.publicKey)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe(checkpointMatchesChain.name, () => {
  const hashes = new Map([
    [1, '11'.repeat(32)],
    [2, '22'.repeat(32)],
    [3, '33'.repeat(32)],
  ]);
  const chain = { entries: 3, headHash: hashes.get(3)! };
  const lookup = (seq: number) => hashes.get(seq);

  it('matches a checkpoint of the whole chain', () => {
    expect(checkpointMatchesChain({ entries: 3, headHash: chain.headHash }, chain)).toEqual({
      matches: true,
    });
  });

  it('matches an older checkpoint whose head is the hash at its seq in a longer chain', () => {
    expect(checkpointMatchesChain({ entries: 2, headHash: hashes.get(2)! }, chain, lookup)).toEqual(
      { matches: true },
    );
  });

  it('matches a checkpoint of the empty log only with the genesis hash', () => {
    expect(checkpointMatchesChain({ entries: 0, headHash: GENESIS_HASH }, chain).matches).toBe(
      true,
    );
    expect(checkpointMatchesChain({ entries: 0, headHash: 'ff'.repeat(32) }, chain).matches).toBe(
      false,
    );
  });

  it('reports a log cut short when the checkpoint covers more entries than the chain', () => {
    const result = checkpointMatchesChain({ entries: 5, headHash: 'ff'.repeat(32) }, chain);
    expect(result).toEqual({
      matches: false,
      problem: expect.stringMatching(/covers 5 entries .* only 3.* from seq 4 on are missing/),
    });
  });

  it('reports a rewritten log when the hash at the checkpoint’s seq differs', () => {
    expect(checkpointMatchesChain({ entries: 3, headHash: 'ff'.repeat(32) }, chain)).toEqual({
      matches: false,
      problem: expect.stringMatching(/seq 3 differs/),
    });
    expect(
      checkpointMatchesChain({ entries: 2, headHash: 'ff'.repeat(32) }, chain, lookup),
    ).toEqual({ matches: false, problem: expect.stringMatching(/rewritten at or before seq 2/) });
  });

  it('throws when the caller cannot supply the hash it needs, rather than guessing', () => {
    expect(() => checkpointMatchesChain({ entries: 2, headHash: 'ff'.repeat(32) }, chain)).toThrow(
      /hash of seq 2 is needed/,
    );
  });
});
