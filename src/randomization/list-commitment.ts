import { canonicalJson } from '../crypto/canonical-json';
import { randomHex, sha256Hex } from '../crypto/hashing';
import { GeneratedSlot } from './list-generator';

/**
 * The commitment published at generation: it binds the list without disclosing it, because the
 * hash also covers a secret nonce (without it, a 20-slot list could be found by trying every
 * possible list). At the final export, seed and nonce are revealed and anyone can recompute it.
 *
 *   commitment = lowercase hex SHA-256 of the UTF-8 bytes of
 *     canonicalJson({ protocolId, nonce, slots: [{ stratum, slot, target }, ...] })
 *
 * with the slots in list order (strata in stratumKeys order, then slot) and only those three
 * fields per slot, whatever else the caller's objects carry (participant ids are not committed).
 * Canonical JSON sorts keys, so the hashed text reads
 *   {"nonce":"…","protocolId":"NCT02286011","slots":[{"slot":1,"stratum":"all","target":"LEFT"},…]}
 */
export function listCommitment(
  protocolId: string,
  slots: GeneratedSlot[],
  nonceHex: string,
): string {
  if (!NONCE_PATTERN.test(nonceHex)) {
    throw new Error('The commitment nonce must be 64 lowercase hex characters (32 bytes)');
  }
  return sha256Hex(canonicalJson(commitmentDocument(protocolId, slots, nonceHex)));
}

/** The exact object whose canonical JSON is hashed; exported so docs and tests can show it. */
export function commitmentDocument(
  protocolId: string,
  slots: GeneratedSlot[],
  nonceHex: string,
): { protocolId: string; nonce: string; slots: GeneratedSlot[] } {
  return {
    protocolId,
    nonce: nonceHex,
    slots: slots.map(({ stratum, slot, target }) => ({ stratum, slot, target })),
  };
}

/** A fresh secret nonce: 32 random bytes as 64 lowercase hex characters. */
export function newCommitmentNonce(): string {
  return randomHex(32);
}

const NONCE_PATTERN = /^[0-9a-f]{64}$/;
