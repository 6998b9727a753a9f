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
  for (const [what, generated] of [
    ['BLINDING KEY', blindingKey.generatedAt],
    ['JWT SECRET', jwtSecret.generatedAt],
    ['AUDIT SIGNING KEY', auditSigningKey.generatedAt],
  ] as const) {
    if (generated) {
      logger.warn(
        `\n${'!'.repeat(78)}\n!! ${what} GENERATED at ${generated} (mode 0600).\n!! Development only: back it up with the database, or set it from a secret store.\n!! Without the blinding key the sealed allocations cannot be read. Production refuses to start without keys.\n${'!'.repeat(78)}`,
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
