import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import {
  BlindingRegisterDto,
  EnvelopeHoldingDto,
  EXPOSING_ACTIONS,
  ExposingAction,
  ExposureDto,
  FullListExportDto,
} from './dto/unblinding.dto';

const isExposingAction = (action: string): action is ExposingAction =>
  (EXPOSING_ACTIONS as readonly string[]).includes(action);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * "Who knows what": derived from the audit log itself, so it can never disagree with it. Each
 * successful exposing action is one exposure; never the target. A downtime envelope's printer
 * saw the target of its slot, so once the envelope is used for a participant, each printing is
 * an exposure of that participant's allocation too.
 */
@Injectable()
export class BlindingRegisterService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  register(): Promise<BlindingRegisterDto> {
    return this.uow.read(async (manager) => {
      const entries = await this.audit.successesOf(manager, [...EXPOSING_ACTIONS, 'LIST_EXPORTED']);
      const byParticipant = new Map<string, ExposureDto[]>();
      const envelopes = new Map<string, EnvelopeHoldingDto>();
      const fullListExports: FullListExportDto[] = [];
      const expose = (participantId: string, exposure: ExposureDto) => {
        const list = byParticipant.get(participantId) ?? [];
        list.push(exposure);
        byParticipant.set(participantId, list);
      };
      for (const entry of entries) {
        const exposure = {
          username: entry.actor,
          roles: entry.roles,
          at: entry.at,
          auditSeq: entry.seq,
        };
        if (entry.action === 'LIST_EXPORTED') {
          fullListExports.push(exposure);
          continue;
        }
        if (!isExposingAction(entry.action)) continue;
        const envelopeNumber = text(entry.details.envelopeNumber);
        const stratum = text(entry.details.stratum) ?? '';
        if (entry.action === 'ENVELOPE_PRINTED' && envelopeNumber) {
          const held = envelopes.get(envelopeNumber) ?? {
            envelopeNumber,
            stratum,
            participantId: null,
            holders: [],
          };
          held.holders.push({ ...exposure, how: entry.action });
          envelopes.set(envelopeNumber, held);
          continue;
        }
        if (!entry.participantId) continue;
        const participantId = entry.participantId;
        if (entry.action === 'ALLOCATED' && entry.details.offline === true && envelopeNumber) {
          const held = envelopes.get(envelopeNumber);
          if (held) {
            held.participantId = participantId;
            held.holders.push({ ...exposure, how: entry.action });
            // The printers knew this allocation before it was made: earlier in time and seq.
            for (const printing of held.holders.filter((h) => h.how === 'ENVELOPE_PRINTED')) {
              expose(participantId, printing);
            }
          }
        }
        expose(participantId, { ...exposure, how: entry.action });
      }
      return {
        participants: [...byParticipant.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([participantId, exposures]) => ({ participantId, exposures })),
        envelopes: [...envelopes.values()].sort((a, b) =>
          a.envelopeNumber.localeCompare(b.envelopeNumber),
        ),
        fullListExports,
      };
    });
  }
}
