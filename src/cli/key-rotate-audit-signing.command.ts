import { AppConfig, loadAppConfigFromEnvironment } from '../config/app-config';
import { publicKeyBase64, publicKeyFingerprint } from '../crypto/ed25519';
import { KeyChecksRepository } from '../crypto/key-checks.repository';
import { resolveAuditSigningKey } from '../crypto/key-material';
import { CliCommand, CliIo, EXIT_INVALID, EXIT_VALID, parseOptions, UsageError } from './cli-io';
import { cliActor, openMaintenanceDatabase } from './maintenance-database';

/**
 * `key rotate-audit-signing`: registers the configured audit signing key (AUDIT_SIGNING_KEY,
 * AUDIT_SIGNING_KEY_FILE or DATA_DIR/audit-signing.pem) as this database's, in place of the one
 * stored at set-up, and records AUDIT_SIGNING_KEY_ROTATED with both public keys, so checkpoints
 * signed before the rotation still verify against the old key the log names. Run it with the
 * servers stopped: a running server keeps signing with the old key.
 */
export function createKeyRotateAuditSigningCommand(loadConfig: () => AppConfig): CliCommand {
  return {
    words: ['key', 'rotate-audit-signing'],
    usage: 'key rotate-audit-signing --reason <text>',
    summary:
      'Register the configured audit signing key in place of the stored one (servers stopped); audited.',
    run: (args, io) => runRotate(args, io, loadConfig),
  };
}

export const keyRotateAuditSigningCommand = createKeyRotateAuditSigningCommand(
  loadAppConfigFromEnvironment,
);

/** Outside the Nest container: the repository is a plain class without dependencies. */
const KEY_CHECKS = new KeyChecksRepository();

async function runRotate(args: string[], io: CliIo, loadConfig: () => AppConfig): Promise<number> {
  const { positional, options } = parseOptions(args, ['reason']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const reason = options.get('reason')?.trim();
  if (!reason) throw new UsageError('say why with --reason');
  const config = loadConfig();
  const key = resolveAuditSigningKey(config.auditSigningKey);
  const publicKey = publicKeyBase64(key.value.publicKey);
  const database = await openMaintenanceDatabase(config);
  try {
    const outcome = await database.uow.write(async (manager) => {
      const stored = await KEY_CHECKS.auditSigningKey(manager);
      if (stored?.checkValue === publicKey) return 'unchanged' as const;
      const keyVersion = (stored?.keyVersion ?? 0) + 1;
      await KEY_CHECKS.registerAuditSigningKey(
        manager,
        { keyVersion, checkValue: publicKey, createdAt: new Date().toISOString() },
        stored !== null,
      );
      await database.audit.record(manager, {
        actor: cliActor(),
        action: 'AUDIT_SIGNING_KEY_ROTATED',
        outcome: 'SUCCESS',
        reason,
        details: { previousPublicKey: stored?.checkValue ?? null, publicKey, keyVersion },
      });
      return 'rotated' as const;
    });
    if (outcome === 'unchanged') {
      io.err(`The configured audit signing key is already the registered one; nothing changed.`);
      return EXIT_INVALID;
    }
    io.out(`Registered audit signing key ${publicKeyFingerprint(publicKey)} (SHA-256 of SPKI)`);
    io.out(`public key: ${publicKey}`);
    return EXIT_VALID;
  } finally {
    await database.close();
  }
}
