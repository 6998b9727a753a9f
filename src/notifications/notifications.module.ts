import { Global, Module } from '@nestjs/common';
import { MailTransport } from './mail-transport';
import { NotificationOutbox } from './notification-outbox';
import { NotificationsRepository } from './notifications.repository';
import { NotificationWorker } from './notification-worker';

@Global()
@Module({
  providers: [NotificationOutbox, NotificationWorker, MailTransport, NotificationsRepository],
  exports: [NotificationOutbox, NotificationWorker],
})
export class NotificationsModule {}
