import { Global, Module } from '@nestjs/common';
import { MailTransport } from './mail-transport';
import { NotificationOutbox } from './notification-outbox';
import { NotificationWorker } from './notification-worker';

@Global()
@Module({
  providers: [NotificationOutbox, NotificationWorker, MailTransport],
  exports: [NotificationOutbox, NotificationWorker],
})
export class NotificationsModule {}
