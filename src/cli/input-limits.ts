import { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { InputFileError, readRegularFileSync } from '../common/regular-file';
import { parsePublicKey } from '../crypto/ed25519';

/** Size bounds of the files the verifiers read whole (README, "Command line"). */
export const MAX_KEY_FILE_BYTES = 64 * 1024;
export const MAX_CHECKPOINT_FILE_BYTES = 64 * 1024;
/** A list of 100,000 slots (the bound of a list) exports to about 10 MB. */
export const MAX_LIST_EXPORT_BYTES = 32 * 1024 * 1024;

/** A public key given on the command line was not one; the command exits 2. */
export class PublicKeyInputError extends Error {}

/** A file holding PEM, base64 SPKI or raw SPKI DER, or the base64 SPKI itself. */
export function loadPublicKey(value: string): KeyObject {
  try {
    if (!existsSync(value)) return parsePublicKey(value);
    const bytes = readRegularFileSync(value, MAX_KEY_FILE_BYTES);
    try {
      return parsePublicKey(bytes.toString('utf8'));
    } catch (error) {
      if (bytes[0] !== 0x30) throw error; // not DER either (a DER SEQUENCE starts with 0x30)
      return parsePublicKey(bytes.toString('base64'));
    }
  } catch (error) {
    const message = error instanceof InputFileError ? error.message : (error as Error).message;
    throw new PublicKeyInputError(`--public-key ${value}: ${message}`);
  }
}
