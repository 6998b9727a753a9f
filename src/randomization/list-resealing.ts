import { EntityManager } from 'typeorm';
import { BlindingCipher } from '../crypto/blinding-cipher';
import { RandomizationListRepository } from './randomization-list.repository';
import { listSecretAssociatedData, slotAssociatedData } from './sealing';

/**
 * Re-seals a value under another key: opened under `from` with its associated data, sealed under
 * `to` with the same associated data (so it stays bound to the same trial, list and slot), and
 * opened again under `to` before it is kept. Throws BlindingDecryptionError when the value fails
 * authentication under `from`: a rotation never carries an edited value over under a fresh seal.
 */
export function resealValue(
  from: BlindingCipher,
  to: BlindingCipher,
  sealed: string,
  associatedData: string,
): string {
  const plaintext = from.decrypt(sealed, associatedData);
  const resealed = to.encrypt(plaintext, associatedData);
  if (to.decrypt(resealed, associatedData) !== plaintext) {
    throw new Error(`Re-sealing ${associatedData} did not round-trip`);
  }
  return resealed;
}

export interface ResealProgress {
  lists: number;
  slots: number;
  totalSlots: number;
}

/**
 * Every list's seed and nonce and every slot's target, re-sealed from `from` to `to`, in the
 * caller's transaction, through the list's repository; only a transaction holding the
 * key_rotation_in_progress row may write these columns (migration KeyRotation1764000008400,
 * KeyChecksRepository.whileRotating). `onProgress` is told after each list's secrets and after
 * each slot (the command prints it now and then).
 */
export async function resealEveryList(
  manager: EntityManager,
  lists: RandomizationListRepository,
  from: BlindingCipher,
  to: BlindingCipher,
  onProgress: (progress: ResealProgress) => Promise<void> = () => Promise.resolve(),
): Promise<ResealProgress> {
  const progress: ResealProgress = {
    lists: 0,
    slots: 0,
    totalSlots: await lists.countSlots(manager),
  };
  for (const list of await lists.sealedListSecrets(manager)) {
    const ad = (what: 'seed' | 'nonce') => listSecretAssociatedData(list.protocolId, list.id, what);
    const listChanged = await lists.resealListSecrets(manager, list.id, {
      seedSealed: resealValue(from, to, list.seedSealed, ad('seed')),
      nonceSealed: resealValue(from, to, list.nonceSealed, ad('nonce')),
    });
    if (listChanged !== 1)
      throw new Error(`Re-sealing list ${list.id} changed ${listChanged} rows`);
    progress.lists += 1;
    await onProgress(progress);
    for (const slot of await lists.sealedTargets(manager, list.id)) {
      const ad = slotAssociatedData(list.protocolId, list.id, slot.stratum, slot.slot);
      const changed = await lists.resealTarget(
        manager,
        slot.id,
        resealValue(from, to, slot.targetSealed, ad),
      );
      if (changed !== 1) throw new Error(`Re-sealing slot ${slot.id} changed ${changed} rows`);
      progress.slots += 1;
      await onProgress(progress);
    }
  }
  return progress;
}
