import { Global, Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditService } from './audit.service';
import { HeadJournalService } from './head-journal.service';

@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditService, AuditLogService, HeadJournalService, AuditEntriesRepository],
  exports: [AuditService, HeadJournalService],
})
export class AuditModule {}
