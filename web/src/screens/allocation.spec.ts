import {
  idempotencyKeyStore,
  randomIdempotencyKey,
  actionFor,
  awaitingAllocation,
  findParticipant,
  panelLines,
  targetKeyOf,
  type Allocation,
  type Participant,
} from './allocation';

const participant = (
  participantId: string,
  screeningNumber: string,
  status: Participant['status'],
  registeredAt: string,
): Participant => ({
  participantId,
  screeningNumber,
  status,
  stratum: 'all',
  registeredAt,
  registeredBy: 'pat',
  allocatedAt: status === 'REGISTERED' ? null : registeredAt,
  seal: { unblinded: status === 'UNBLINDED', at: null, by: null, reason: null },
  withdrawal: { withdrawn: status === 'WITHDRAWN', at: null, by: null, reason: null },
});

const participants = [
  participant('ELA-003', 'SCR-C', 'REGISTERED', '2026-03-03T10:00:00.000Z'),
  participant('ELA-001', 'SCR-A', 'ALLOCATED', '2026-03-01T10:00:00.000Z'),
  participant('ELA-002', 'ela-001', 'REGISTERED', '2026-03-02T10:00:00.000Z'),
  participant('ELA-004', 'SCR-D', 'UNBLINDED', '2026-03-04T10:00:00.000Z'),
];

describe('awaitingAllocation', () => {
  it('lists the registered participants only, first registered first', () => {
    expect(awaitingAllocation(participants).map((p) => p.participantId)).toEqual([
      'ELA-002',
      'ELA-003',
    ]);
    expect(awaitingAllocation([])).toEqual([]);
  });
});

describe('findParticipant', () => {
  it('finds by participant id in any letter case, or by the exact screening number', () => {
    expect(findParticipant(participants, ' ela-003 ')?.participantId).toBe('ELA-003');
    expect(findParticipant(participants, 'SCR-A')?.participantId).toBe('ELA-001');
    expect(findParticipant(participants, 'scr-a')).toBeUndefined();
    expect(findParticipant(participants, '')).toBeUndefined();
    expect(findParticipant(participants, 'ELA-999')).toBeUndefined();
  });

  it('prefers the participant id when a screening number looks like another participant’s id', () => {
    expect(findParticipant(participants, 'ELA-001')?.participantId).toBe('ELA-001');
  });
});

describe('actionFor', () => {
  it('allocates a registered participant and re-reads an allocated or unblinded one', () => {
    expect(participants.map((p) => [p.participantId, actionFor(p)])).toEqual([
      ['ELA-003', 'allocate'],
      ['ELA-001', 'reread'],
      ['ELA-002', 'allocate'],
      ['ELA-004', 'reread'],
    ]);
  });
});

describe('actionFor a withdrawn participant', () => {
  it('re-reads one withdrawn after allocation, and offers nothing for one withdrawn before', () => {
    const [registered, allocated] = [participants[0]!, participants[1]!];
    expect(actionFor({ ...allocated, status: 'WITHDRAWN' })).toBe('reread');
    expect(actionFor({ ...registered, status: 'WITHDRAWN', allocatedAt: null })).toBe('none');
  });
});

const allocation = (cell: 'LEFT' | 'RIGHT'): Allocation => {
  const other = cell === 'LEFT' ? 'RIGHT' : 'LEFT';
  const label = (limb: string) => (limb === 'LEFT' ? 'Left lower limb' : 'Right lower limb');
  return {
    participantId: 'ELA-001',
    slot: 1,
    cellLimb: cell,
    salineLimb: other,
    allocatedAt: '2026-03-01T10:00:00.000Z',
    preparation: {
      product: 'MNC',
      site: 'tibialis anterior muscle',
      syringes: [
        { limb: cell, limbLabel: label(cell), name: 'CELLS', contents: 'MNC', volumeMl: 2 },
        { limb: other, limbLabel: label(other), name: 'SALINE', contents: 'Saline', volumeMl: 2 },
      ],
      instructions: [],
    },
  };
};

describe('panelLines', () => {
  it('gives one line per syringe, the allocated syringe first, whichever limb it goes to', () => {
    expect(panelLines(allocation('LEFT'))).toEqual([
      { syringe: 'CELLS', target: 'LEFT', targetLabel: 'Left lower limb' },
      { syringe: 'SALINE', target: 'RIGHT', targetLabel: 'Right lower limb' },
    ]);
    expect(panelLines(allocation('RIGHT'))).toEqual([
      { syringe: 'CELLS', target: 'RIGHT', targetLabel: 'Right lower limb' },
      { syringe: 'SALINE', target: 'LEFT', targetLabel: 'Left lower limb' },
    ]);
  });

  it('gives a single line in a design with one syringe', () => {
    const single = allocation('LEFT');
    single.preparation.syringes = single.preparation.syringes.slice(0, 1);
    single.salineLimb = null;
    expect(panelLines(single)).toHaveLength(1);
  });
});

describe('targetKeyOf', () => {
  it('has catalogue words for the legs only; other targets keep the trial file’s label', () => {
    expect(targetKeyOf('LEFT')).toBe('limb.LEFT');
    expect(targetKeyOf('RIGHT')).toBe('limb.RIGHT');
    expect(targetKeyOf('ACTIVE')).toBeUndefined();
  });
});

describe('idempotency keys', () => {
  it('gives one key per participant, the same on a retry, of the pattern the API takes', () => {
    const store = idempotencyKeyStore();
    const first = store.keyFor('ELA-001');
    expect(store.keyFor('ELA-001')).toBe(first);
    expect(store.keyFor('ELA-002')).not.toBe(first);
    // The API's IDEMPOTENCY_KEY (src/allocation/allocation.service.ts), also in the OpenAPI document.
    expect(first).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    expect(randomIdempotencyKey()).not.toBe(randomIdempotencyKey());
  });
});
