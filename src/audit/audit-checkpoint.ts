import { KeyObject } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json';
import {
  decodeStrictBase64,
  parsePublicKey,
  publicKeyBase64,
  signEd25519,
  verifyEd25519,
} from '../crypto/ed25519';
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
    signature: signEd25519(privateKey, message).toString('base64'),
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
    const signature = decodeStrictBase64(checkpoint.signature);
    const message = Buffer.from(checkpointMessage(checkpoint), 'utf8');
    return verifyEd25519(trusted ?? carried, message, signature);
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
