import { newAuditSigningKeyPem, newBlindingKeyBase64 } from '../crypto/key-material';
import { CliCommand, CliIo, EXIT_VALID, parseOptions, UsageError } from './cli-io';

/**
 * `key generate`: a new blinding key (or, with --audit-signing, an Ed25519 audit signing key).
 * The key alone goes to standard output and the advice to standard error, so that
 * `(umask 077; trial-cli key generate > blinding.key)` writes a file that holds only the key.
 */
export const keyGenerateCommand: CliCommand = {
  words: ['key', 'generate'],
  usage: 'key generate [--audit-signing]',
  summary:
    'Print a new base64 32-byte blinding key (BLINDING_KEY), or with --audit-signing an Ed25519 PEM private key (AUDIT_SIGNING_KEY).',
  run: (args, io) => Promise.resolve(runKeyGenerate(args, io)),
};

const AUDIT_SIGNING_FLAG = '--audit-signing';

function runKeyGenerate(args: string[], io: CliIo): number {
  // A flag without a value, which parseOptions does not model: take it out first.
  const auditSigning = args.includes(AUDIT_SIGNING_FLAG);
  const { positional } = parseOptions(
    args.filter((arg) => arg !== AUDIT_SIGNING_FLAG),
    [],
  );
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);

  if (auditSigning) {
    io.out(newAuditSigningKeyPem().trimEnd());
    io.err(
      [
        'This is a new Ed25519 private key that signs audit checkpoints.',
        'Give it to the server as AUDIT_SIGNING_KEY (the PEM text) or, better, save it to a file',
        'readable only by the service account (mode 0600) and set AUDIT_SIGNING_KEY_FILE to its path.',
        'Publish the public key to monitors; keep the private key out of version control and backups',
        'that others can read.',
      ].join('\n'),
    );
    return EXIT_VALID;
  }

  io.out(newBlindingKeyBase64());
  io.err(
    [
      'This is a new 32-byte blinding key (base64). It encrypts every slot, the seed and the nonce.',
      'Give it to the server as BLINDING_KEY, or, better, save it to a file readable only by the',
      'service account, mode 0600 (e.g. `(umask 077; trial-cli key generate > blinding.key)`), and',
      'set BLINDING_KEY_FILE to its path.',
      'Keep a copy in escrow: without this exact key the sealed list can never be read again, and',
      'a different key stops the server at start (the stored key check will not match).',
      'Never commit it, log it or send it by e-mail.',
    ].join('\n'),
  );
  return EXIT_VALID;
}
