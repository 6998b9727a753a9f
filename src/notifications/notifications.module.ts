import { Global, Module } from '@nestjs/common';
import { NotificationOutbox } from './notification-outbox';
import { NotificationWorker } from './notification-worker';

@Global()
@Module({
  providers: [NotificationOutbox, NotificationWorker],
  exports: [NotificationOutbox, NotificationWorker],
})
export class NotificationsModule {}
