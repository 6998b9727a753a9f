import { TrialDefinition } from '../config/trial-definition';
import { canonicalJson } from '../crypto/canonical-json';
import { sha256Hex } from '../crypto/hashing';

/** SHA-256 of the canonical JSON of a validated trial definition: which file a list came from. */
export function trialDefinitionHash(trial: TrialDefinition): string {
  return sha256Hex(canonicalJson(trial));
}
