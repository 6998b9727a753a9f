import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { fromAuditRow } from '../audit/audit.service';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { UnitOfWork } from '../database/unit-of-work';
import {
  BlindingRegisterDto,
  EXPOSING_ACTIONS,
  ExposingAction,
  ExposureDto,
  FullListExportDto,
} from './dto/unblinding.dto';

const isExposingAction = (action: string): action is ExposingAction =>
  (EXPOSING_ACTIONS as readonly string[]).includes(action);

/**
 * "Who knows what": derived from the audit log itself, so it can never disagree with it. Each
 * successful exposing action is one exposure; never the target.
 */
@Injectable()
export class BlindingRegisterService {
  constructor(private readonly uow: UnitOfWork) {}

  register(): Promise<BlindingRegisterDto> {
    return this.uow.read(async (manager) => {
      const rows = await manager.getRepository(AuditEntryEntity).find({
        where: { action: In([...EXPOSING_ACTIONS, 'LIST_EXPORTED']), outcome: 'SUCCESS' },
        order: { seq: 'ASC' },
      });
      const byParticipant = new Map<string, ExposureDto[]>();
      const fullListExports: FullListExportDto[] = [];
      for (const entry of rows.map(fromAuditRow)) {
        const exposure = {
          username: entry.actor,
          roles: entry.roles,
          at: entry.at,
          auditSeq: entry.seq,
        };
        if (entry.action === 'LIST_EXPORTED') {
          fullListExports.push(exposure);
        } else if (entry.participantId && isExposingAction(entry.action)) {
          const list = byParticipant.get(entry.participantId) ?? [];
          list.push({ ...exposure, how: entry.action });
          byParticipant.set(entry.participantId, list);
        }
      }
      return {
        participants: [...byParticipant.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([participantId, exposures]) => ({ participantId, exposures })),
        fullListExports,
      };
    });
  }
}
