import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Actor } from '../common/actor';
import { InvalidInput } from '../common/domain-errors';
import { SigningKeyPair } from '../crypto/key-material';
import { SIGNING_KEY_PAIR } from '../crypto/signing-key';
import { isDatabaseCorruption } from '../database/sqlite-errors';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditCheckpoint, signCheckpoint } from './audit-checkpoint';
import { ChainVerification, ChainVerifier, GENESIS_HASH } from './audit-chain';
import { createAuditExportWriter, ndjsonCheckpointLine } from './audit-export-format';
import {
  AuditEntriesRepository,
  AuditFilter,
  fromAuditRow,
  StoredAuditEntry,
} from './audit-entries.repository';
import { AuditService } from './audit.service';
import { AUDIT_BATCH_PACING, nextBatchSize, POSTGRES_AUDIT_BATCH_PACING } from './batch-pacing';
import { AuditQueryDto } from './dto/audit-query.dto';

/**
 * The largest seq the column holds (an SQL integer on both databases): "no upper bound" for
 * the verifier. PostgreSQL refuses a larger parameter for an integer column.
 */
const MAX_SEQ = 2_147_483_647;

export type { AuditFilter } from './audit-entries.repository';

/** Normalises an ISO-8601 time to the stored form (UTC, milliseconds) so strings compare as times. */
function storedTime(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new InvalidInput(`${name} is not a valid time`);
  return time.toISOString();
}

export function auditFilterOf(query: AuditQueryDto): AuditFilter {
  const filter: AuditFilter = {
    from: storedTime(query.from, 'from'),
    to: storedTime(query.to, 'to'),
    actions: query.action,
    actor: query.actor,
    participantId: query.participantId,
    afterSeq: query.afterSeq,
  };
  if (filter.from && filter.to && filter.from > filter.to)
    throw new InvalidInput('from must not be after to');
  return filter;
}

/** Where a page of an export ends, known before its first byte so that headers can carry it. */
export interface AuditPage {
  /** Entries matching the filters (cursor aside) up to the export's own entry. */
  total: number;
  /** The page holds the matching entries with afterSeq < seq <= upTo. */
  upTo: number;
  /** The afterSeq of the next page, when more entries match after this one. */
  nextAfterSeq?: number;
}

/** An export being streamed: its pieces, then the checkpoint that covers it. */
export interface AuditExportStream {
  contentType: string;
  checkpoint: AuditCheckpoint;
  page: AuditPage;
  pieces: AsyncGenerator<string>;
}

/**
 * Reading the audit log: filtered streaming exports, whole-chain verification, signed
 * checkpoints. Reads go in batches, each its own short read through the unit of work, keyed by
 * seq and bounded in time, with a turn of the event loop between them: memory stays flat however
 * long the log, other requests are answered during a long export or verification, and no
 * transaction stays open across a pause (it would hold the unit of work's queue, and with it
 * every allocation). The log is append-only and a pass stops at the head seq read at its start,
 * so batches read at different times still form one consistent prefix of the chain.
 */
@Injectable()
export class AuditLogService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly entries: AuditEntriesRepository,
    @Inject(SIGNING_KEY_PAIR) private readonly signingKey: SigningKeyPair,
  ) {}

  /**
   * The export first records itself (AUDIT_EXPORTED, with its filter) and then streams every
   * matching entry up to and including that record. An unfiltered export is thus a complete
   * chain from seq 1 that verifies on its own, and its checkpoint covers its last entry.
   */
  async startExport(actor: Actor, query: AuditQueryDto): Promise<AuditExportStream> {
    const filter = auditFilterOf(query);
    const format = query.format ?? 'json';
    const record = await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor,
        action: 'AUDIT_EXPORTED',
        outcome: 'SUCCESS',
        details: {
          format,
          filter: { ...filter },
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
        },
      }),
    );
    const checkpoint = this.sign({ entries: record.seq, headHash: record.hash });
    const writer = createAuditExportWriter(format);
    const page = await this.page(filter, record.seq, query.limit);
    const texts = this.batches(filter, page.upTo, () => {
      const parts: string[] = [];
      return { entry: (row) => parts.push(writer.write([row])), done: () => parts.join('') };
    });
    async function* pieces(): AsyncGenerator<string> {
      yield writer.start();
      yield* texts;
      yield writer.end();
      if (format === 'ndjson') yield ndjsonCheckpointLine(checkpoint);
    }
    return { contentType: writer.contentType, checkpoint, page, pieces: pieces() };
  }

  /**
   * The total and the end of one page. Entries are never changed or removed and the export stops
   * at its own entry, so both figures hold for the whole stream; the `limit`-th matching entry
   * ends the page, and one more after it means there is a next page.
   */
  private page(filter: AuditFilter, upTo: number, limit: number | undefined): Promise<AuditPage> {
    return this.uow.read(async (manager) => {
      const total = await this.entries.countMatching(manager, filter, upTo);
      if (limit === undefined) return { total, upTo };
      const ends = await this.entries.matchingSeqs(manager, filter, upTo, limit - 1, 2);
      if (ends.length < 2) return { total, upTo };
      const pageEnd = ends[0];
      return { total, upTo: pageEnd, nextAfterSeq: pageEnd };
    });
  }

  /** Verifies the whole chain from seq 1, in batches, and records the verdict. */
  async verify(actor: Actor): Promise<ChainVerification> {
    const verifier = new ChainVerifier(1, GENESIS_HASH);
    try {
      // add() ignores everything after the first break: stop reading there.
      const verdicts = this.batches({}, MAX_SEQ, () => {
        let intact = true;
        return { entry: (row) => (intact &&= verifier.add(fromAuditRow(row))), done: () => intact };
      });
      for await (const intact of verdicts) if (!intact) break;
    } catch (error) {
      // A damaged page is a verdict on the log, not a server fault: answer valid:false, with why.
      if (!isDatabaseCorruption(error)) throw error;
      verifier.unreadable(
        `the entries from here on cannot be read: the database file is corrupted (${(error as Error).message})`,
      );
    }
    const result = verifier.result();
    await this.recordVerdict(actor, result);
    return result;
  }

  /** AUDIT_VERIFIED with the verdict; on a corrupted log the record itself may be impossible. */
  private async recordVerdict(actor: Actor, result: ChainVerification): Promise<void> {
    try {
      await this.recordVerdictEntry(actor, result);
    } catch (error) {
      if (result.valid || !isDatabaseCorruption(error)) throw error;
      this.logger.error(
        `The audit log is corrupted and the verdict could not be recorded: ${result.problem}`,
      );
    }
  }

  private async recordVerdictEntry(actor: Actor, result: ChainVerification): Promise<void> {
    await this.uow.write((manager) =>
      this.audit.record(manager, {
        actor,
        action: 'AUDIT_VERIFIED',
        outcome: result.valid ? 'SUCCESS' : 'ERROR',
        reason: result.problem ?? null,
        details: {
          valid: result.valid,
          entries: result.entries,
          headHash: result.headHash,
          ...(result.firstInvalidSeq !== undefined
            ? { firstInvalidSeq: result.firstInvalidSeq }
            : {}),
        },
      }),
    );
  }

  /** A signed statement of the log's current length and head hash. */
  async checkpoint(): Promise<AuditCheckpoint> {
    const head = await this.uow.read((manager) => this.entries.head(manager));
    return this.sign(head);
  }

  private sign(head: { entries: number; headHash: string }): AuditCheckpoint {
    return signCheckpoint(
      this.signingKey.privateKey,
      this.signingKey.publicKey,
      head,
      new Date().toISOString(),
    );
  }

  /**
   * Matching entries with seq <= upTo, oldest first, one batch per read transaction, as stored
   * (roles and details in their canonical JSON text). Each entry goes to the batch's consumer
   * as it is read (into CSV text, or into the verifier), and what the consumer makes of the
   * batch is yielded: rows are never gathered or held while the stream waits for its client
   * (on PostgreSQL that promoted every row to the old generation: forEachRow).
   * A batch's time counts its read and its consumption and sets the next batch's size; then the
   * event loop gets a turn. The stream pulls, so a slow client still slows the reading
   * (back-pressure).
   */
  private async *batches<T>(
    filter: AuditFilter,
    upTo: number,
    consumer: () => BatchConsumer<T>,
  ): AsyncGenerator<T> {
    const pacing = this.uow.onPostgres() ? POSTGRES_AUDIT_BATCH_PACING : AUDIT_BATCH_PACING;
    let after = 0;
    let size = pacing.min;
    for (;;) {
      const started = performance.now();
      const limit = size;
      // A read takes no lock and writes nothing, so no lost race retries it: each entry reaches
      // the consumer once.
      const read = await this.uow.read(async (manager) => {
        const batch = consumer();
        let lastSeq = after;
        const count = await this.entries.forEachInBatch(
          manager,
          { filter, after, upTo, limit },
          (row) => {
            lastSeq = Number(row.seq);
            batch.entry(row);
          },
        );
        return { count, lastSeq, value: batch.done() };
      });
      if (read.count === 0) return;
      after = read.lastSeq;
      size = nextBatchSize(limit, performance.now() - started, pacing);
      yield read.value;
      if (read.count < limit) return;
      await nextTurn();
    }
  }
}

/** What one batch does with each entry it reads, and what it yields once read. */
interface BatchConsumer<T> {
  entry(row: StoredAuditEntry): void;
  done(): T;
}
