import { canonicalJson } from '../crypto/canonical-json';
import { randomHex, sha256Hex } from '../crypto/hashing';
import { RandomizationDesign } from '../config/trial-definition';
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
 *
 * Efron's biased coin and the big stick also commit to their method and parameter, as a
 * `design` member: {"design":{"method":"efron-biased-coin","p":0.6666666666666666},"nonce":…}
 * or {"design":{"maxImbalance":3,"method":"big-stick"},…}, so that the same slots published as
 * coming from another p or b do not match. Permuted blocks and simple randomization keep the
 * document they always had (no `design`), so every commitment already published still verifies;
 * their design is bound by the trial definition's hash stored at set-up.
 */
export function listCommitment(
  protocolId: string,
  slots: GeneratedSlot[],
  nonceHex: string,
  design: CommittedDesign,
): string {
  if (!NONCE_PATTERN.test(nonceHex)) {
    throw new Error('The commitment nonce must be 64 lowercase hex characters (32 bytes)');
  }
  return sha256Hex(canonicalJson(commitmentDocument(protocolId, slots, nonceHex, design)));
}

/** The part of a design the commitment reads. */
export type CommittedDesign = Pick<RandomizationDesign, 'method' | 'p' | 'maxImbalance'>;

/** The exact object whose canonical JSON is hashed; exported so docs and tests can show it. */
export function commitmentDocument(
  protocolId: string,
  slots: GeneratedSlot[],
  nonceHex: string,
  design: CommittedDesign,
): {
  protocolId: string;
  nonce: string;
  slots: GeneratedSlot[];
  design?: { method: string; p?: number; maxImbalance?: number };
} {
  return {
    protocolId,
    nonce: nonceHex,
    slots: slots.map(({ stratum, slot, target }) => ({ stratum, slot, target })),
    ...committedDesign(design),
  };
}

function committedDesign(design: CommittedDesign): {
  design?: { method: string; p?: number; maxImbalance?: number };
} {
  switch (design.method) {
    case 'simple':
    case 'permuted-blocks':
      return {};
    case 'efron-biased-coin':
      return { design: { method: design.method, p: requireParameter(design.p, 'p') } };
    case 'big-stick':
      return {
        design: {
          method: design.method,
          maxImbalance: requireParameter(design.maxImbalance, 'maxImbalance'),
        },
      };
    default: {
      const unknown: never = design.method;
      throw new Error(`Unknown randomization method ${String(unknown)}`);
    }
  }
}

function requireParameter(value: number | undefined, name: string): number {
  if (typeof value !== 'number') throw new Error(`The design has no ${name} to commit to`);
  return value;
}

/** A fresh secret nonce: 32 random bytes as 64 lowercase hex characters. */
export function newCommitmentNonce(): string {
  return randomHex(32);
}

const NONCE_PATTERN = /^[0-9a-f]{64}$/;
