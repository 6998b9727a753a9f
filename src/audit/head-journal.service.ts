import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SigningKeyPair } from '../crypto/key-material';
import { SIGNING_KEY_PAIR } from '../crypto/signing-key';
import { UnitOfWork } from '../database/unit-of-work';
import { APP_CONFIG } from '../runtime';
import { CheckpointHead, signCheckpoint } from './audit-checkpoint';
import { AuditEntriesRepository } from './audit-entries.repository';
import { chainHead } from './audit.service';
import { checkAgainstJournal, HeadJournalFile, readJournalHead } from './head-journal';

/** The journal is written at least this often when the head moved (SPEC section 5). */
export const HEAD_JOURNAL_INTERVAL_MS = 60_000;

/** The hash the database holds at one seq, in the caller's read transaction. */
/** Stateless; this service is also built by hand outside the container (its unit spec). */
const ENTRIES = new AuditEntriesRepository();

/**
 * Keeps the head journal (see head-journal.ts): checks the database against it at start, then
 * appends the signed head after each commit that changes allocations or unblindings (the
 * services call recordHead() once their transaction has committed) and every minute otherwise.
 * Nothing is journalled for an in-memory database, which has no tail to lose.
 */
@Injectable()
export class HeadJournalService implements OnModuleDestroy {
  private readonly logger = new Logger('HeadJournal');
  private readonly file?: HeadJournalFile;
  private last?: CheckpointHead;
  /** The last checkpoint in the journal that this process knows of (read at start, or signed). */
  private lastSigned?: { at: string; entries: number };
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private queued?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    @Inject(SIGNING_KEY_PAIR) private readonly signingKey: SigningKeyPair,
  ) {
    if (config.databasePath !== ':memory:') this.file = new HeadJournalFile(config.headJournalPath);
  }

  /** Refuses a database whose chain is shorter than, or disagrees with, the journal's head. */
  async checkAtStart(): Promise<void> {
    if (!this.file) return;
    const journal = readJournalHead(this.file.path);
    if (!journal) return;
    this.lastSigned = { at: journal.at, entries: journal.entries };
    const { database, hashAtJournalSeq } = await this.uow.read(async (manager) => {
      const head = await chainHead(manager);
      const hashAtJournalSeq =
        journal.entries > 0 && journal.entries <= head.entries
          ? await ENTRIES.hashAt(manager, journal.entries)
          : undefined;
      return { database: head, hashAtJournalSeq };
    });
    checkAgainstJournal(journal, database, hashAtJournalSeq, this.file.path);
  }

  /** Journals the head as it stands after set-up, then keeps it up to date every minute. */
  async start(): Promise<void> {
    if (!this.file) return;
    await this.recordHead();
    this.timer = setInterval(() => void this.recordHead(), HEAD_JOURNAL_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Appends the current head once the caller's commit is covered. A flush already running may
   * have read the head before that commit, so the caller waits for the next one; callers that
   * arrive together share it (one read, one signature, one fsync for all of them).
   */
  recordHead(): Promise<void> {
    if (!this.file) return Promise.resolve();
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.flushNow();
    this.queued = this.inFlight.then(() => {
      this.queued = undefined;
      return this.flushNow();
    });
    return this.queued;
  }

  /** Whether this process keeps a journal (not for an in-memory database). */
  get journalled(): boolean {
    return this.file !== undefined;
  }

  /** The time and length of the last signed checkpoint known to be in the journal. */
  lastCheckpoint(): { at: string; entries: number } | undefined {
    return this.lastSigned;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queued;
    await this.inFlight;
    await this.file?.close();
  }

  private flushNow(): Promise<void> {
    const flush = this.flush().finally(() => {
      if (this.inFlight === flush) this.inFlight = undefined;
    });
    this.inFlight = flush;
    return flush;
  }

  /**
   * A failure to journal is logged, not thrown: the change it follows is already committed and
   * acknowledging it as failed would be false. The next flush records the head again.
   */
  private async flush(): Promise<void> {
    try {
      const head = await this.uow.read((manager) => chainHead(manager));
      if (this.last?.entries === head.entries && this.last.headHash === head.headHash) return;
      const signed = signCheckpoint(
        this.signingKey.privateKey,
        this.signingKey.publicKey,
        head,
        new Date().toISOString(),
      );
      await this.file?.append(signed);
      this.last = head;
      this.lastSigned = { at: signed.at, entries: signed.entries };
    } catch (error) {
      this.logger.error(
        `The head journal ${this.config.headJournalPath} could not be written: ${(error as Error).message}`,
      );
    }
  }
}
