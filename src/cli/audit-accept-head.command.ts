import { signCheckpoint } from '../audit/audit-checkpoint';
import { chainHead } from '../audit/audit.service';
import { readJournalHead, supersedeJournal } from '../audit/head-journal';
import { AppConfig, loadAppConfigFromEnvironment } from '../config/app-config';
import { resolveAuditSigningKey } from '../crypto/key-material';
import { CliCommand, CliIo, EXIT_INVALID, EXIT_VALID, parseOptions, UsageError } from './cli-io';
import { cliActor, openMaintenanceDatabase } from './maintenance-database';

/**
 * `audit accept-head`: the operator's deliberate answer to a start refused because the database's
 * chain is shorter than, or disagrees with, the head journal. It records AUDIT_HEAD_ACCEPTED with
 * both heads and the reason in the database, then starts a new journal at the database's new
 * head, keeping the old journal beside it (`<path>.superseded-<time>`) as evidence of what was
 * lost. Run it with the servers stopped.
 */
export function createAuditAcceptHeadCommand(loadConfig: () => AppConfig): CliCommand {
  return {
    words: ['audit', 'accept-head'],
    usage: 'audit accept-head --reason <text>',
    summary:
      'Accept the database whose audit chain the head journal does not match (servers stopped); audited.',
    run: (args, io) => runAcceptHead(args, io, loadConfig),
  };
}

export const auditAcceptHeadCommand = createAuditAcceptHeadCommand(loadAppConfigFromEnvironment);

async function runAcceptHead(
  args: string[],
  io: CliIo,
  loadConfig: () => AppConfig,
): Promise<number> {
  const { positional, options } = parseOptions(args, ['reason']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const reason = options.get('reason')?.trim();
  if (!reason) throw new UsageError('say why with --reason');
  const config = loadConfig();
  const journal = readJournalHead(config.headJournalPath);
  if (!journal) {
    io.err(`No head journal at ${config.headJournalPath} (HEAD_JOURNAL_PATH): nothing to accept.`);
    return EXIT_INVALID;
  }
  const signingKey = resolveAuditSigningKey(config.auditSigningKey).value;
  const database = await openMaintenanceDatabase(config);
  try {
    const { before, accepted } = await database.uow.write(async (manager) => {
      const head = await chainHead(manager);
      const entry = await database.audit.record(manager, {
        actor: cliActor(),
        action: 'AUDIT_HEAD_ACCEPTED',
        outcome: 'SUCCESS',
        reason,
        details: {
          journalHead: { seq: journal.entries, hash: journal.headHash, at: journal.at },
          databaseHead: { seq: head.entries, hash: head.headHash },
        },
      });
      return { before: head, accepted: { entries: entry.seq, headHash: entry.hash } };
    });
    const superseded = supersedeJournal(
      config.headJournalPath,
      signCheckpoint(
        signingKey.privateKey,
        signingKey.publicKey,
        accepted,
        new Date().toISOString(),
      ),
    );
    io.out(
      `Accepted the database's chain (seq ${before.entries}, hash ${before.headHash}) in place of the ` +
        `journal's head (seq ${journal.entries}, hash ${journal.headHash}); recorded as seq ${accepted.entries}.`,
    );
    io.out(`The previous journal is kept as ${superseded}.`);
    return EXIT_VALID;
  } finally {
    await database.close();
  }
}
