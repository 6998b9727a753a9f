import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError, HTTP_STATUS_OF } from '../common/domain-errors';
import { AllocationState } from '../participants/participants.service';
import { allocationGate, AllocationGateReaders } from './allocation-gate';

const manager = {} as EntityManager;
const actor: Actor = { username: 'pharm', roles: ['pharmacist'], ip: null, requestId: null };
const LIST = { listId: 1, commitment: 'c0ffee' };

const state = (changes: Partial<AllocationState> = {}): AllocationState => ({
  participantId: 'ELA-001',
  stratum: 'all',
  allocatedAt: null,
  withdrawnAt: null,
  ...changes,
});

/** Readers of an open study with a sound list, or as `changes` say. */
function readers(
  changes: { lockedAt?: string | null; noTrial?: boolean; noList?: boolean; problem?: string } = {},
): AllocationGateReaders & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    trials: {
      lockedAtSharing: () => {
        calls.push('trial');
        return Promise.resolve(
          changes.noTrial ? undefined : { lockedAt: changes.lockedAt ?? null },
        );
      },
    },
    randomization: {
      header: () => {
        calls.push('list');
        return Promise.resolve(changes.noList ? undefined : LIST);
      },
      problemBeforeAllocating: () => {
        calls.push('check');
        return Promise.resolve(changes.problem);
      },
    },
  };
}

async function refusalOf(
  gateReaders: AllocationGateReaders,
  participant: AllocationState | undefined,
): Promise<{ code: string; status: number } | 'admitted'> {
  const gate = await allocationGate(gateReaders, manager, {
    protocolId: 'NCT02286011',
    participantId: 'ELA-001',
    participant,
    actor,
  });
  if (!('refusal' in gate)) return 'admitted';
  const refusal: DomainError = gate.refusal;
  return { code: refusal.code, status: HTTP_STATUS_OF[refusal.kind] };
}

describe(allocationGate.name, () => {
  it('admits a registered, unallocated participant of an open study with a sound list', async () => {
    const gate = await allocationGate(readers(), manager, {
      protocolId: 'NCT02286011',
      participantId: 'ELA-001',
      participant: state(),
      actor,
    });
    expect(gate).toEqual({ participant: state(), list: LIST });
  });

  it('refuses each precondition with the code and status of SPEC section 4', async () => {
    const cases: [AllocationGateReaders, AllocationState | undefined, string, number][] = [
      [readers(), undefined, 'NOT_FOUND', 404],
      [readers({ lockedAt: '2026-01-01T00:00:00.000Z' }), state(), 'STUDY_LOCKED', 409],
      [readers({ noList: true }), state(), 'NO_LIST', 409],
      [readers({ noTrial: true }), state(), 'NO_LIST', 409],
      [readers({ problem: 'slot 3' }), state(), 'LIST_INTEGRITY_FAILED', 409],
      [readers(), state({ allocatedAt: '2026-01-01T00:00:00.000Z' }), 'ALREADY_ALLOCATED', 409],
      [readers(), state({ withdrawnAt: '2026-01-01T00:00:00.000Z' }), 'WITHDRAWN', 409],
    ];
    for (const [gateReaders, participant, code, status] of cases) {
      expect(await refusalOf(gateReaders, participant)).toEqual({ code, status });
    }
  });

  it('checks in one order: participant, lock, list, list check, then the participant’s state', async () => {
    // Every condition fails at once: the first in the order is the one answered.
    const locked = readers({ lockedAt: 'x', noList: true, problem: 'p' });
    const allocatedAndWithdrawn = state({ allocatedAt: 'x', withdrawnAt: 'y' });
    expect(await refusalOf(locked, undefined)).toMatchObject({ code: 'NOT_FOUND' });
    expect(locked.calls).toEqual([]);
    expect(await refusalOf(locked, allocatedAndWithdrawn)).toMatchObject({ code: 'STUDY_LOCKED' });
    expect(await refusalOf(readers({ noList: true, problem: 'p' }), allocatedAndWithdrawn)).toEqual(
      { code: 'NO_LIST', status: 409 },
    );
    const broken = readers({ problem: 'p' });
    expect(await refusalOf(broken, allocatedAndWithdrawn)).toMatchObject({
      code: 'LIST_INTEGRITY_FAILED',
    });
    expect(broken.calls).toEqual(['trial', 'list', 'check']);
    expect(await refusalOf(readers(), allocatedAndWithdrawn)).toMatchObject({
      code: 'ALREADY_ALLOCATED',
    });
  });

  it('says what to do in each message, and names no target', async () => {
    const withdrawn = await allocationGate(readers(), manager, {
      protocolId: 'NCT02286011',
      participantId: 'ELA-001',
      participant: state({ withdrawnAt: '2026-01-01T00:00:00.000Z' }),
      actor,
    });
    expect('refusal' in withdrawn && withdrawn.refusal.message).toBe(
      'Participant ELA-001 was withdrawn on 2026-01-01T00:00:00.000Z and cannot be allocated',
    );
    const allocated = await allocationGate(readers(), manager, {
      protocolId: 'NCT02286011',
      participantId: 'ELA-001',
      participant: state({ allocatedAt: '2026-01-01T00:00:00.000Z' }),
      actor,
    });
    expect('refusal' in allocated && allocated.refusal.message).not.toMatch(/LEFT|RIGHT/);
  });
});
