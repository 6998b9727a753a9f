import { BlindingCipher } from '../crypto/blinding-cipher';
import { SlotEntity } from './slot.entity';

/**
 * Associated data for each sealed value: it names what the value belongs to, so a ciphertext
 * copied to another slot, list or trial fails authentication instead of decrypting there.
 */
export function slotAssociatedData(
  protocolId: string,
  listId: number,
  stratum: string,
  slot: number,
): string {
  return `${protocolId}|list:${listId}|stratum:${stratum}|slot:${slot}`;
}

export function listSecretAssociatedData(
  protocolId: string,
  listId: number,
  what: 'seed' | 'nonce',
): string {
  return `${protocolId}|list:${listId}|${what}`;
}

/** What opening a slot needs: where it sits, and its sealed target. */
export type SealedSlot = Pick<SlotEntity, 'listId' | 'stratum' | 'slot' | 'targetSealed'>;

/** The target of a slot; throws BlindingDecryptionError when it was edited, moved or the key is wrong. */
export function openSlot(cipher: BlindingCipher, protocolId: string, slot: SealedSlot): string {
  return cipher.decrypt(
    slot.targetSealed,
    slotAssociatedData(protocolId, slot.listId, slot.stratum, slot.slot),
  );
}
