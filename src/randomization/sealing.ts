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
