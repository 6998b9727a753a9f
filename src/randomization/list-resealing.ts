import { EntityManager } from 'typeorm';
import { BlindingCipher } from '../crypto/blinding-cipher';
import { execute, selectRows } from '../database/sql';
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

interface ListRow {
  id: number;
  protocol_id: string;
  seed_sealed: string;
  nonce_sealed: string;
}

interface SlotRow {
  id: number;
  stratum: string;
  slot: number;
  target_sealed: string;
}

const SELECT_LISTS =
  'SELECT id, protocol_id, seed_sealed, nonce_sealed FROM randomization_lists ORDER BY id';
const COUNT_SLOTS = 'SELECT COUNT(*) AS n FROM slots';
const SELECT_SLOTS =
  'SELECT id, stratum, slot, target_sealed FROM slots WHERE list_id = :listId ORDER BY id';
const RESEAL_LIST =
  'UPDATE randomization_lists SET seed_sealed = :seed, nonce_sealed = :nonce WHERE id = :id';
const RESEAL_SLOT = 'UPDATE slots SET target_sealed = :sealed WHERE id = :id';

/**
 * Every list's seed and nonce and every slot's target, re-sealed from `from` to `to`, in the
 * caller's transaction; only a transaction holding the key_rotation_in_progress row may write
 * these columns (migration KeyRotation1764000008400). `onProgress` is told after each list's
 * secrets and after each slot (the command prints it now and then).
 */
export async function resealEveryList(
  manager: EntityManager,
  from: BlindingCipher,
  to: BlindingCipher,
  onProgress: (progress: ResealProgress) => Promise<void> = () => Promise.resolve(),
): Promise<ResealProgress> {
  const [{ n }] = await selectRows<{ n: number | string }>(manager, COUNT_SLOTS);
  const progress: ResealProgress = { lists: 0, slots: 0, totalSlots: Number(n) };
  for (const list of await selectRows<ListRow>(manager, SELECT_LISTS)) {
    const listId = Number(list.id);
    const ad = (what: 'seed' | 'nonce') => listSecretAssociatedData(list.protocol_id, listId, what);
    await execute(manager, RESEAL_LIST, {
      id: listId,
      seed: resealValue(from, to, list.seed_sealed, ad('seed')),
      nonce: resealValue(from, to, list.nonce_sealed, ad('nonce')),
    });
    progress.lists += 1;
    await onProgress(progress);
    for (const slot of await selectRows<SlotRow>(manager, SELECT_SLOTS, { listId })) {
      const ad = slotAssociatedData(list.protocol_id, listId, slot.stratum, Number(slot.slot));
      const changed = await execute(manager, RESEAL_SLOT, {
        id: slot.id,
        sealed: resealValue(from, to, slot.target_sealed, ad),
      });
      if (changed !== 1) throw new Error(`Re-sealing slot ${slot.id} changed ${changed} rows`);
      progress.slots += 1;
      await onProgress(progress);
    }
  }
  return progress;
}
