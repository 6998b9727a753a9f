import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { Conflict, DomainError, NotFound } from '../common/domain-errors';
import { AllocationState } from '../participants/participants.service';
import {
  ListHeader,
  ListIntegrityFailure,
  RandomizationService,
} from '../randomization/randomization.service';
import { StudyLocked } from '../trial/trial-errors';
import { TrialRecordService } from '../trial/trial-record.service';

export class AlreadyAllocated extends Conflict {
  constructor(participantId: string) {
    super(
      `Participant ${participantId} is already allocated; re-read it with GET .../allocation`,
      'ALREADY_ALLOCATED',
    );
  }
}

export class NoList extends Conflict {
  constructor() {
    super('No randomization list has been generated yet', 'NO_LIST');
  }
}

export class Withdrawn extends Conflict {
  constructor(participantId: string, withdrawnAt: string) {
    super(
      `Participant ${participantId} was withdrawn on ${withdrawnAt} and cannot be allocated`,
      'WITHDRAWN',
    );
  }
}

/** What the gate reads: the study lock, the list, and the list's check once per process. */
export interface AllocationGateReaders {
  trials: Pick<TrialRecordService, 'lockedAtSharing'>;
  randomization: Pick<RandomizationService, 'header' | 'problemBeforeAllocating'>;
}

/** The participant as the caller read it, its row held FOR UPDATE on PostgreSQL. */
export interface AllocationRequest {
  protocolId: string;
  participantId: string;
  participant: AllocationState | undefined;
  actor: Actor;
}

export type AllocationGate =
  { participant: AllocationState; list: ListHeader } | { refusal: DomainError };

/**
 * The one rule for whether a participant may be allocated now, online (allocation.service.ts)
 * or from a downtime envelope (envelopes.service.ts), checked in this order with the codes and
 * statuses of SPEC section 4: a registered participant (404), an open study (409 STUDY_LOCKED),
 * a list (409 NO_LIST) that passed its integrity check (409 LIST_INTEGRITY_FAILED), a
 * participant not yet allocated (409 ALREADY_ALLOCATED) and not withdrawn (409 WITHDRAWN).
 * Runs in the caller's transaction; the caller audits the refusal. On PostgreSQL the trial's
 * row is held shared, so a study lock waits for the allocation and none starts after it.
 */
export async function allocationGate(
  readers: AllocationGateReaders,
  manager: EntityManager,
  { protocolId, participantId, participant, actor }: AllocationRequest,
): Promise<AllocationGate> {
  if (!participant) return { refusal: new NotFound(`No participant ${participantId}`) };
  const study = await readers.trials.lockedAtSharing(manager, protocolId);
  if (study?.lockedAt) return { refusal: new StudyLocked() };
  const list = study && (await readers.randomization.header(manager, protocolId));
  if (!list) return { refusal: new NoList() };
  const problem = await readers.randomization.problemBeforeAllocating(
    manager,
    list.commitment,
    actor,
  );
  if (problem !== undefined) return { refusal: new ListIntegrityFailure(problem) };
  if (participant.allocatedAt) return { refusal: new AlreadyAllocated(participantId) };
  if (participant.withdrawnAt) {
    return { refusal: new Withdrawn(participantId, participant.withdrawnAt) };
  }
  return { participant, list };
}
