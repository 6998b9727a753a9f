import { Injectable } from '@nestjs/common';
import { chainHead } from '../audit/audit.service';
import { HeadJournalService } from '../audit/head-journal.service';
import { UnitOfWork } from '../database/unit-of-work';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { secondsSince } from './metric-labels';
import { OperationalState } from './metrics.service';

/**
 * Reads, at each scrape, what the database holds now (one short read transaction): figures
 * shared by every server process on the database, which in-process counters could not give.
 * Each through its owner: the outbox's backlog from NotificationOutbox, the chain's head from
 * the audit log; no SQL here.
 */
@Injectable()
export class OperationalStateReader {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly headJournal: HeadJournalService,
    private readonly outbox: NotificationOutbox,
  ) {}

  async read(nowMs = Date.now()): Promise<OperationalState> {
    const { backlog, head } = await this.uow.read(async (manager) => ({
      backlog: await this.outbox.backlog(manager),
      head: await chainHead(manager),
    }));
    const checkpoint = this.headJournal.lastCheckpoint();
    return {
      outboxPending: backlog.pending,
      outboxOldestPendingSeconds: secondsSince(backlog.oldestAt, nowMs) ?? 0,
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
