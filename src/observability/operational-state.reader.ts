import { Injectable } from '@nestjs/common';
import { chainHead } from '../audit/audit.service';
import { HeadJournalService } from '../audit/head-journal.service';
import { selectRow } from '../database/sql';
import { UnitOfWork } from '../database/unit-of-work';
import { secondsSince } from './metric-labels';
import { OperationalState } from './metrics.service';

/**
 * The outbox as a scrape sees it: pending means neither delivered nor given up. Read here, not
 * through the notifications module: a count for a gauge, in the same read as the audit head.
 */
const OUTBOX_BACKLOG_SQL =
  'SELECT COUNT(*) AS pending, MIN(created_at) AS "oldestAt" FROM notifications ' +
  'WHERE delivered_at IS NULL AND failed_at IS NULL';

/**
 * Reads, at each scrape, what the database holds now (one short read transaction): figures
 * shared by every server process on the database, which in-process counters could not give.
 */
@Injectable()
export class OperationalStateReader {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly headJournal: HeadJournalService,
  ) {}

  async read(nowMs = Date.now()): Promise<OperationalState> {
    const { backlog, head } = await this.uow.read(async (manager) => ({
      backlog: await selectRow<{ pending: number | string; oldestAt: string | null }>(
        manager,
        OUTBOX_BACKLOG_SQL,
      ),
      head: await chainHead(manager),
    }));
    const checkpoint = this.headJournal.lastCheckpoint();
    return {
      // PostgreSQL answers COUNT(*) as a bigint string.
      outboxPending: Number(backlog?.pending ?? 0),
      outboxOldestPendingSeconds: secondsSince(backlog?.oldestAt, nowMs) ?? 0,
      auditEntries: head.entries,
      ...(this.headJournal.journalled
        ? {
            checkpoint: {
              // None yet: the journal could not be written since the start. +Inf fires the alert.
              ageSeconds: secondsSince(checkpoint?.at, nowMs) ?? Number.POSITIVE_INFINITY,
              entriesAfter: Math.max(0, head.entries - (checkpoint?.entries ?? 0)),
            },
          }
        : {}),
    };
  }
}
