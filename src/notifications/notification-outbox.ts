import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MailAudience } from '../config/mail-address';
import { TrialDefinition } from '../config/trial-definition';
import { canonicalJson } from '../crypto/canonical-json';
import { APP_CONFIG, MAIL_RECIPIENTS, TRIAL_DEFINITION } from '../runtime';
import { AUDIENCES_OF, MailEvent, renderMail } from './mail-messages';
import { NotificationEntity } from './notification.entity';
import { NotificationsRepository, OutboxBacklog } from './notifications.repository';

export type NotificationQueued =
  { queued: true; recipient: string } | { queued: false; why: string };

export type EmailQueued = { queued: true; recipients: string[] } | { queued: false; why: string };

/** An outbox row's recipient for an email notice: one address, as a mailto: URI (RFC 6068). */
export const MAILTO = 'mailto:';

/**
 * Puts a notice in the outbox inside the caller's transaction; the worker delivers it later.
 * Other modules read the outbox here too (the unblinding register, the metrics' gauges).
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TRIAL_DEFINITION) private readonly trial: TrialDefinition,
    @Inject(MAIL_RECIPIENTS) private readonly mailRecipients: Record<MailAudience, string[]>,
    private readonly notifications: NotificationsRepository,
  ) {}

  /** Every notice of a kind (the unblinding register shows each emergency's notices). */
  noticesOfKind(manager: EntityManager, kind: string): Promise<NotificationEntity[]> {
    return this.notifications.ofKind(manager, kind);
  }

  /** How many notices are pending and since when the oldest (the metrics' outbox gauges). */
  backlog(manager: EntityManager): Promise<OutboxBacklog> {
    return this.notifications.backlog(manager);
  }

  /** Training reset only: the notices about participants go with the participants. */
  deleteParticipantNotices(manager: EntityManager): Promise<void> {
    return this.notifications.deleteParticipantNotices(manager);
  }

  async enqueue(
    manager: EntityManager,
    kind: string,
    participantId: string | null,
    payload: Record<string, unknown>,
  ): Promise<NotificationQueued> {
    const recipient = this.config.notifications.webhookUrl;
    if (!recipient)
      return { queued: false, why: 'no recipient configured (NOTIFICATION_WEBHOOK_URL)' };
    await this.insert(manager, kind, participantId, recipient, canonicalJson(payload));
    return { queued: true, recipient };
  }

  /**
   * Renders the event's email and queues one row per recipient address, so that one refused
   * mailbox is retried (and audited) on its own, without sending the others the notice twice.
   */
  async enqueueEmail(manager: EntityManager, event: MailEvent): Promise<EmailQueued> {
    if (!this.config.notifications.mail) return { queued: false, why: 'no SMTP_URL configured' };
    const audiences = AUDIENCES_OF[event.kind];
    const recipients = [...new Set(audiences.flatMap((a) => this.mailRecipients[a]))];
    if (recipients.length === 0) {
      return { queued: false, why: `no ${audiences.join(' or ')} recipients configured` };
    }
    const payload = canonicalJson(renderMail(this.trial, event));
    const participantId = 'participantId' in event ? event.participantId : null;
    for (const address of recipients) {
      await this.insert(manager, event.kind, participantId, `${MAILTO}${address}`, payload);
    }
    return { queued: true, recipients };
  }

  private async insert(
    manager: EntityManager,
    kind: string,
    participantId: string | null,
    recipient: string,
    payload: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    await this.notifications.insert(manager, {
      kind,
      participantId,
      recipient,
      payload,
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: null,
      deliveredAt: null,
      failedAt: null,
      lastError: null,
    });
  }
}
