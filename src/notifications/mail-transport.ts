import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { AppConfig, MailConfig } from '../config/app-config';
import { APP_CONFIG } from '../runtime';
import { MailMessage } from './mail-messages';

/** Each stage of one delivery (connect, greeting, a reply) may take this long, no more. */
export const SMTP_TIMEOUT_MS = 10_000;

export interface OutgoingMail extends MailMessage {
  to: string;
  /** The outbox row's id: one Message-ID for every attempt at the same notice. */
  notificationId: number;
}

/**
 * The Message-ID of a notice: the same on every attempt, so that a receiving system can drop the
 * copy of a delivery whose acknowledgement was lost (the webhook's Idempotency-Key, for email).
 */
export function messageIdOf(notificationId: number, protocolId: string, from: string): string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const trial = protocolId.replace(/[^A-Za-z0-9.-]/g, '-');
  return `<notification-${notificationId}.${trial}@${domain}>`;
}

/**
 * Sends email notices through the relay of SMTP_URL (nodemailer). One connection per delivery:
 * notices are rare, and a fresh connection after a refused one is what a retry should test.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private transport?: Mail;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Delivers one message; throws with the relay's answer when it is refused or times out. */
  async send(mail: OutgoingMail, protocolId: string): Promise<void> {
    const settings = this.settings();
    this.transport ??= createTransport({
      url: settings.smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
      dnsTimeout: SMTP_TIMEOUT_MS,
      // nodemailer's own log would print the whole SMTP dialogue, message and all.
      logger: false,
    });
    await this.transport.sendMail({
      from: settings.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: messageIdOf(mail.notificationId, protocolId, settings.from),
      // Names no software or version to every mailbox on the list.
      xMailer: false,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  private settings(): MailConfig {
    const mail = this.config.notifications.mail;
    if (!mail) throw new Error('An email notice was queued but SMTP_URL is not configured');
    return mail;
  }
}
