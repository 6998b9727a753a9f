import { Logger } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { MAIL_AUDIENCES, MailAudience, MailRecipientLists } from './config/mail-address';
import { TrialDefinition } from './config/trial-definition';
import { loadTrialFileWithRecipients } from './config/trial-file.loader';
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
  /** Who receives email notices: MAIL_TO_* where set, else the trial file's mailRecipients. */
  mailRecipients: Record<MailAudience, string[]>;
  blindingKey: Buffer;
  jwtSecret: string;
  auditSigningKey: SigningKeyPair;
}

export const APP_CONFIG = 'APP_CONFIG';
export const TRIAL_DEFINITION = 'TRIAL_DEFINITION';
export const MAIL_RECIPIENTS = 'MAIL_RECIPIENTS';

/** Each audience's list: the environment's replaces the trial file's, never merges with it. */
export function resolveMailRecipients(
  environment: MailRecipientLists,
  trialFile: MailRecipientLists,
): Record<MailAudience, string[]> {
  const lists = {} as Record<MailAudience, string[]>;
  for (const audience of MAIL_AUDIENCES)
    lists[audience] = environment[audience] ?? trialFile[audience] ?? [];
  return lists;
}

/**
 * Loads the trial file and the keys; a generated key is announced loudly, since losing
 * DATA_DIR/blinding.key makes every sealed allocation unreadable.
 */
export function resolveRuntime(config: AppConfig, logger = new Logger('Startup')): AppRuntime {
  const { trial, mailRecipients } = loadTrialFileWithRecipients(config.trialConfigPath);
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
    mailRecipients: resolveMailRecipients(
      config.notifications.mail?.recipients ?? {},
      mailRecipients,
    ),
    blindingKey: blindingKey.value,
    jwtSecret: jwtSecret.value,
    auditSigningKey: auditSigningKey.value,
  };
}
