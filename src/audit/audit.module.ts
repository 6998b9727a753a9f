import { Global, Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';
import { AuditService } from './audit.service';
import { HeadJournalService } from './head-journal.service';

@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditService, AuditLogService, HeadJournalService],
  exports: [AuditService, HeadJournalService],
})
export class AuditModule {}
