import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { TrialDefinition } from '../config/trial-definition';
import { APP_CONFIG, TRIAL_DEFINITION } from '../runtime';
import { MailMessage } from './mail-messages';
import { MailTransport } from './mail-transport';
import { NotificationEntity } from './notification.entity';
import { MAILTO } from './notification-outbox';
import { NotificationsRepository } from './notifications.repository';

const DELIVERY_TIMEOUT_MS = 10_000;
const LEASE_MS = 60_000;

/**
 * The recipient as the audit log names it: scheme, host and port only. A webhook URL often holds
 * a token in its path or query, or credentials, which monitors exporting the log must not see.
 */
export function recipientOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unparseable URL';
  }
}

/**
 * The channel of an outbox row, and its recipient as the audit log names it: a staff address
 * for email (whose delivery the monitor must be able to check), the origin for a webhook.
 */
export function channelOf(recipient: string): { channel: 'email' | 'webhook'; recipient: string } {
  return recipient.startsWith(MAILTO)
    ? { channel: 'email', recipient: recipient.slice(MAILTO.length) }
    : { channel: 'webhook', recipient: recipientOrigin(recipient) };
}

/** When the next attempt is due after `attempts` failures: base, 2 x base, 4 x base... */
export function nextAttemptDelayMs(retryBaseMs: number, attempts: number): number {
  return retryBaseMs * 2 ** Math.max(0, attempts - 1);
}

/**
 * Delivers the outbox: each due notice is leased in a write transaction (so another process
 * skips it), POSTed or mailed outside any transaction, then marked delivered or rescheduled.
 * Each delivery and each failed attempt is audited.
 */
@Injectable()
export class NotificationWorker implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly mail: MailTransport,
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    private readonly notifications: NotificationsRepository,
  ) {}

  /** Starts polling the outbox, when notices have somewhere to go. */
  start(): void {
    const { webhookUrl, mail } = this.config.notifications;
    if (this.timer || (!webhookUrl && !mail)) return;
    this.timer = setInterval(() => {
      // A failed pass (database busy, disk full) is logged and retried at the next tick; it must
      // never become an unhandled rejection, which would stop the server.
      this.running ??= this.deliverDue()
        .catch((error: unknown) =>
          this.logger.error(`Notification pass failed: ${(error as Error).message}`),
        )
        .finally(() => (this.running = undefined));
    }, this.config.notifications.pollIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the due notices; returns when each has been tried once. */
  async deliverDue(): Promise<void> {
    for (;;) {
      const notice = await this.leaseNext();
      if (!notice) return;
      await this.deliver(notice);
    }
  }

  /**
   * The next due notice, leased to this process. Looking costs a read; the write lock is taken
   * only when a notice is due, so an idle outbox never delays an allocation.
   */
  private async leaseNext(): Promise<NotificationEntity | undefined> {
    const now = new Date();
    // PostgreSQL runs writers concurrently: the claim locks the row it leases, and passes over
    // one another process is leasing (FOR UPDATE SKIP LOCKED), so each notice goes out once.
    const findDue = (manager: EntityManager, claim: boolean) =>
      this.notifications.nextDue(manager, now, claim);
    if (!(await this.uow.read((manager) => findDue(manager, false)))) return undefined;
    return this.uow.write(async (manager) => {
      // Looked for again under the write lock: another process may have leased it meanwhile.
      const due = await findDue(manager, true);
      if (!due) return undefined;
      due.leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
      await this.notifications.save(manager, due);
      return due;
    });
  }

  private async deliver(notice: NotificationEntity): Promise<void> {
    const error = notice.recipient.startsWith(MAILTO)
      ? await this.sendEmail(notice)
      : await this.postWebhook(notice);
    const attempts = notice.attempts + 1;
    const now = new Date();
    const final = error !== undefined && attempts >= this.config.notifications.maxAttempts;
    await this.uow.write(async (manager) => {
      notice.attempts = attempts;
      notice.leaseUntil = null;
      notice.lastError = error ?? null;
      if (error === undefined) notice.deliveredAt = now.toISOString();
      else if (final) notice.failedAt = now.toISOString();
      else {
        notice.nextAttemptAt = new Date(
          now.getTime() + nextAttemptDelayMs(this.config.notifications.retryBaseMs, attempts),
        ).toISOString();
      }
      await this.notifications.save(manager, notice);
      // Every failed attempt is audited, not only the last: a monitor sees a relay refusing
      // notices while they are still being retried, not hours later.
      await this.audit.record(manager, {
        actor: SYSTEM_ACTOR,
        action: error === undefined ? 'NOTIFICATION_SENT' : 'NOTIFICATION_FAILED',
        outcome: error === undefined ? 'SUCCESS' : 'ERROR',
        participantId: notice.participantId,
        reason: error ?? null,
        details: {
          notificationId: notice.id,
          kind: notice.kind,
          ...channelOf(notice.recipient),
          attempts,
          ...(error === undefined ? {} : { final }),
        },
      });
    });
    if (error !== undefined) {
      this.logger.warn(
        `Notification ${notice.id} attempt ${attempts}: ${error}${final ? ' (giving up)' : ''}`,
      );
    }
  }

  /** POSTs the notice's JSON; the error of a failed attempt, or undefined. */
  private async postWebhook(notice: NotificationEntity): Promise<string | undefined> {
    try {
      const response = await fetch(notice.recipient, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': `notification-${notice.id}`,
        },
        body: notice.payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      return response.ok ? undefined : `the recipient answered ${response.status}`;
    } catch (cause) {
      return `delivery failed: ${(cause as Error).message}`;
    }
  }

  /** Mails the notice's rendered message to its one address; the error, or undefined. */
  private async sendEmail(notice: NotificationEntity): Promise<string | undefined> {
    const message = JSON.parse(notice.payload) as MailMessage;
    try {
      await this.mail.send(
        {
          to: notice.recipient.slice(MAILTO.length),
          subject: message.subject,
          text: message.text,
          notificationId: notice.id,
        },
        this.trial.protocolId,
      );
      return undefined;
    } catch (cause) {
      return `SMTP delivery failed: ${(cause as Error).message}`;
    }
  }
}
