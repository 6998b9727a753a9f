import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json';
import { GENESIS_HASH } from './audit-chain';

/**
 * Signed checkpoints of the audit log (docs/audit-format.md, "Checkpoints").
 *
 * A checkpoint says "the log held `entries` entries and its head hash was `headHash` at `at`",
 * signed with the server's Ed25519 key. A sponsor who keeps one can later prove that the log was
 * neither cut short nor rewritten up to that point, even by someone able to recompute every hash.
 *
 * The signed message is the UTF-8 bytes of canonicalJson({entries, headHash, at}), that is
 * `{"at":"…","entries":N,"headHash":"…"}`; Ed25519 signs the message itself (no pre-hash).
 */
export interface CheckpointHead {
  entries: number;
  headHash: string;
}

export interface AuditCheckpoint extends CheckpointHead {
  at: string;
  /** Ed25519 signature of checkpointMessage(), base64. */
  signature: string;
  /** The signer's public key: SPKI DER, base64. */
  publicKey: string;
}

export function checkpointMessage(checkpoint: CheckpointHead & { at: string }): string {
  return canonicalJson({
    entries: checkpoint.entries,
    headHash: checkpoint.headHash,
    at: checkpoint.at,
  });
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
      : createPublicKey({ key: strictBase64(trimmed), format: 'der', type: 'spki' });
  } catch {
    throw new Error('not a public key in PEM or base64 SPKI DER form');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`not an Ed25519 key (found ${key.asymmetricKeyType ?? 'unknown'})`);
  }
  return key;
}

export function signCheckpoint(
  privateKey: KeyObject,
  publicKey: KeyObject,
  head: CheckpointHead,
  at: string,
): AuditCheckpoint {
  const message = Buffer.from(checkpointMessage({ ...head, at }), 'utf8');
  return {
    entries: head.entries,
    headHash: head.headHash,
    at,
    signature: sign(null, message, privateKey).toString('base64'),
    publicKey: publicKeyBase64(publicKey),
  };
}

/**
 * True when the signature is good. Without `trustedPublicKey` it is checked against the key the
 * checkpoint carries, which proves only that the checkpoint was not altered after signing; with
 * it, the checkpoint must also have been signed by that key (PEM, base64 SPKI or a KeyObject).
 * Never throws for a malformed checkpoint; throws only for an unreadable trusted key.
 */
export function verifyCheckpoint(
  checkpoint: AuditCheckpoint,
  trustedPublicKey?: KeyObject | string,
): boolean {
  const trusted =
    typeof trustedPublicKey === 'string' ? parsePublicKey(trustedPublicKey) : trustedPublicKey;
  let carried: KeyObject;
  try {
    carried = parsePublicKey(checkpoint.publicKey);
  } catch {
    return false;
  }
  if (trusted && publicKeyBase64(trusted) !== publicKeyBase64(carried)) return false;
  try {
    const signature = strictBase64(checkpoint.signature);
    const message = Buffer.from(checkpointMessage(checkpoint), 'utf8');
    return verify(null, message, trusted ?? carried, signature);
  } catch {
    return false;
  }
}

export type CheckpointMatch = { matches: true } | { matches: false; problem: string };

/**
 * Whether a checkpoint agrees with a chain that verified up to `chain.entries` entries.
 * `hashAtSeq` gives the hash of an earlier entry when the chain has grown past the checkpoint;
 * it may return undefined only for seqs the caller did not keep, which is then a programming
 * error (thrown), not a verdict on the log.
 */
export function checkpointMatchesChain(
  checkpoint: CheckpointHead,
  chain: CheckpointHead,
  hashAtSeq: (seq: number) => string | undefined = () => undefined,
): CheckpointMatch {
  const { entries } = checkpoint;
  if (entries > chain.entries) {
    return {
      matches: false,
      problem:
        `the checkpoint covers ${entries} entries but the log holds only ${chain.entries}: ` +
        `entries from seq ${chain.entries + 1} on are missing (the log was cut short)`,
    };
  }
  let hash: string | undefined;
  if (entries === 0) hash = GENESIS_HASH;
  else if (entries === chain.entries) hash = chain.headHash;
  else hash = hashAtSeq(entries);
  if (hash === undefined) {
    throw new Error(`the hash of seq ${entries} is needed to check the checkpoint`);
  }
  if (hash !== checkpoint.headHash) {
    return {
      matches: false,
      problem:
        `the hash of seq ${entries} differs from the checkpoint's head hash: ` +
        `the log was rewritten at or before seq ${entries}`,
    };
  }
  return { matches: true };
}

/** Buffer.from(…, 'base64') silently skips junk; a signature or key must be exact base64. */
function strictBase64(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error('not base64');
  }
  return Buffer.from(text, 'base64');
}
