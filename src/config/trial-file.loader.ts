import { readRegularFileSync } from '../common/regular-file';
import { parseStrictJson } from '../common/strict-json';
import { MailRecipientLists } from './mail-address';
import {
  parseTrialDefinition,
  parseTrialMailRecipients,
  TrialDefinition,
  TrialDefinitionError,
} from './trial-definition';

/** A trial file is a few KB; a larger one (or a link to a device) is refused before it is read. */
export const MAX_TRIAL_FILE_BYTES = 1024 * 1024;

/** Reads and validates a trial file; any problem names the file and, where it can, the field. */
export function loadTrialFile(path: string): TrialDefinition {
  return parseTrialDefinition(readTrialFile(path), path);
}

/** The trial and, beside it, the optional mailRecipients section of the same file. */
export function loadTrialFileWithRecipients(path: string): {
  trial: TrialDefinition;
  mailRecipients: MailRecipientLists;
} {
  const raw = readTrialFile(path);
  return {
    trial: parseTrialDefinition(raw, path),
    mailRecipients: parseTrialMailRecipients(raw, path),
  };
}

function readTrialFile(path: string): unknown {
  let text: string;
  try {
    text = readRegularFileSync(path, MAX_TRIAL_FILE_BYTES).toString('utf8');
  } catch (error) {
    throw new TrialDefinitionError(path, '$', `cannot be read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseStrictJson(text);
  } catch (error) {
    throw new TrialDefinitionError(path, '$', `is not valid JSON: ${(error as Error).message}`);
  }
  return raw;
}
