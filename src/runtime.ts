import { Logger } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { TrialDefinition } from './config/trial-definition';
import { loadTrialFile } from './config/trial-file.loader';
import {
  resolveAuditSigningKey,
  resolveBlindingKey,
  resolveJwtSecret,
  SigningKeyPair,
} from './crypto/key-material';

/** Everything the server needs before it starts: configuration, the trial, and key material. */
export interface AppRuntime {
  config: AppConfig;
  trial: TrialDefinition;
  blindingKey: Buffer;
  jwtSecret: string;
  auditSigningKey: SigningKeyPair;
}

export const APP_CONFIG = 'APP_CONFIG';
export const TRIAL_DEFINITION = 'TRIAL_DEFINITION';

/**
 * Loads the trial file and the keys; a generated key is announced loudly, since losing
 * DATA_DIR/blinding.key makes every sealed allocation unreadable.
 */
export function resolveRuntime(config: AppConfig, logger = new Logger('Startup')): AppRuntime {
  const trial = loadTrialFile(config.trialConfigPath);
  const blindingKey = resolveBlindingKey(config.blindingKey);
  const jwtSecret = resolveJwtSecret(config.jwtSecret);
  const auditSigningKey = resolveAuditSigningKey(config.auditSigningKey);
  for (const [what, generated, consequence] of [
    ['BLINDING KEY', blindingKey.generatedAt, 'without it no sealed allocation can ever be read'],
    ['JWT SECRET', jwtSecret.generatedAt, 'anyone who reads it can sign tokens'],
    ['AUDIT SIGNING KEY', auditSigningKey.generatedAt, 'it signs the audit checkpoints'],
  ] as const) {
    if (generated) {
      logger.warn(
        `\n${'!'.repeat(78)}\n!! ${what} GENERATED at ${generated} (mode 0600): ${consequence}.\n!! Development only: back it up with the database, or provide it from a secret store.\n!! In production (NODE_ENV=production) a missing key stops the start.\n${'!'.repeat(78)}`,
      );
    }
  }
  return {
    config,
    trial,
    blindingKey: blindingKey.value,
    jwtSecret: jwtSecret.value,
    auditSigningKey: auditSigningKey.value,
  };
}
