import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { canonicalJson } from '../crypto/canonical-json';
import { APP_CONFIG } from '../runtime';
import { NotificationEntity } from './notification.entity';

export type NotificationQueued =
  { queued: true; recipient: string } | { queued: false; why: string };

/** Puts a notice in the outbox inside the caller's transaction; the worker delivers it later. */
@Injectable()
export class NotificationOutbox {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async enqueue(
    manager: EntityManager,
    kind: string,
    participantId: string | null,
    payload: Record<string, unknown>,
  ): Promise<NotificationQueued> {
    const recipient = this.config.notifications.webhookUrl;
    if (!recipient)
      return { queued: false, why: 'no recipient configured (NOTIFICATION_WEBHOOK_URL)' };
    const now = new Date().toISOString();
    await manager.getRepository(NotificationEntity).insert({
      kind,
      participantId,
      recipient,
      payload: canonicalJson(payload),
      createdAt: now,
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: null,
      deliveredAt: null,
      failedAt: null,
      lastError: null,
    });
    return { queued: true, recipient };
  }
}
