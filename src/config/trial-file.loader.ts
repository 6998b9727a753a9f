import { readFileSync } from 'node:fs';
import { parseTrialDefinition, TrialDefinition, TrialDefinitionError } from './trial-definition';

/** Reads and validates a trial file; any problem names the file and, where it can, the field. */
export function loadTrialFile(path: string): TrialDefinition {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TrialDefinitionError(path, '$', `cannot be read: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TrialDefinitionError(path, '$', `is not valid JSON: ${(error as Error).message}`);
  }
  return parseTrialDefinition(raw, path);
}
