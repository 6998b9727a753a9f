import { ChainedAuditEntry, chainEntry, GENESIS_HASH } from './audit-chain';
import { ExportScan, exportScopeOf } from './audit-export-scan';

function buildChain(count: number): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = chainEntry(prev, {
      seq,
      at: '2025-01-01T09:00:00.000Z',
      actor: 'monitor1',
      roles: ['monitor'],
      action: seq === count ? 'AUDIT_EXPORTED' : 'ALLOCATED',
      participantId: null,
      outcome: 'SUCCESS',
      reason: null,
      details: seq === count ? { format: 'csv', filter: { actions: ['ALLOCATED'] } } : {},
      ip: null,
      requestId: null,
    });
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

function scan(entries: ChainedAuditEntry[], wanted: number[] = []) {
  const scanner = new ExportScan(new Set(wanted));
  for (const entry of entries) if (!scanner.add(entry)) break;
  return scanner.result();
}

describe(exportScopeOf.name, () => {
  it('calls an empty filter without a limit a full export', () => {
    expect(exportScopeOf({ format: 'json', filter: {} })).toEqual({ kind: 'full' });
  });

  it('names each filter, the paging cursor and the limit', () => {
    expect(
      exportScopeOf({ filter: { actions: ['ALLOCATED', 'UNBLINDED'], afterSeq: 0 }, limit: 50 }),
    ).toEqual({
      kind: 'filtered',
      description: 'actions=ALLOCATED,UNBLINDED, afterSeq=0, limit=50',
    });
  });

  it('does not guess at details of another shape', () => {
    expect(exportScopeOf({ format: 'json' })).toEqual({ kind: 'unknown' });
  });
});

describe(ExportScan.name, () => {
  it('gives the strict verdict of a whole chain, and its own record', () => {
    const result = scan(buildChain(4));
    expect(result.chain).toMatchObject({ valid: true, entries: 4 });
    expect(result).toMatchObject({ read: 4, lastSeq: 4, lastOtherSeq: 3, gap: undefined });
    expect(result.ownRecord?.scope).toEqual({ kind: 'filtered', description: 'actions=ALLOCATED' });
  });

  it('reads on past a gap, keeping the first gap and the wanted hashes', () => {
    const chain = buildChain(9);
    const result = scan([chain[1], chain[2], chain[5], chain[8]], [3, 7]);
    expect(result.chain).toMatchObject({ valid: false, firstInvalidSeq: 2 });
    expect(result).toMatchObject({ read: 4, firstSeq: 2, lastSeq: 9, problem: undefined });
    expect(result.gap).toEqual({ after: 0, next: 2 });
    expect([...result.hashes]).toEqual([[3, chain[2].hash]]);
  });

  it('stops at an edit, a broken link or a seq out of order, which no filter explains', () => {
    const chain = buildChain(6);
    expect(scan([chain[1], { ...chain[3], actor: 'x' }]).problem).toMatchObject({
      seq: 4,
      problem: 'hash does not match the entry content (the entry was edited)',
      entry: { seq: 4, actor: 'x' },
    });
    const relinked = chainEntry('f'.repeat(64), chain[2]);
    expect(scan([chain[1], relinked]).problem?.problem).toMatch(/^prevHash does not match/);
    expect(scan([chain[3], chain[1]]).problem?.problem).toMatch(/comes after seq 4/);
  });
});
