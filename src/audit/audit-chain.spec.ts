import { createHash } from 'node:crypto';
import {
  auditEntryHash,
  AuditFields,
  ChainedAuditEntry,
  chainEntry,
  ChainVerifier,
  GENESIS_HASH,
  verifyChain,
} from './audit-chain';

function fields(seq: number, overrides: Partial<AuditFields> = {}): AuditFields {
  return {
    seq,
    at: new Date(Date.UTC(2025, 0, 1, 9, 0, seq)).toISOString(),
    actor: seq % 2 === 0 ? 'pharmacist1' : 'monitor1',
    roles: seq % 2 === 0 ? ['pharmacist'] : ['monitor', 'admin'],
    action: seq % 2 === 0 ? 'ALLOCATED' : 'AUDIT_VERIFIED',
    participantId: seq % 2 === 0 ? `P-${seq}` : null,
    outcome: 'SUCCESS',
    reason: null,
    details: { n: seq, note: 'Señal ✓' },
    ip: '10.0.0.1',
    requestId: `req-${seq}`,
    ...overrides,
  };
}

/** A correctly chained log of `count` entries, seq 1..count. */
function buildChain(count: number): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = chainEntry(prev, fields(seq));
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

describe(chainEntry.name, () => {
  it('starts from 64 zeros and links each entry to the hash of the one before', () => {
    const [first, second] = buildChain(2);
    expect(first.prevHash).toBe('0'.repeat(64));
    expect(second.prevHash).toBe(first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes prevHash followed by the canonical JSON of every other field', () => {
    // A fixed vector, so that a change to the hash rule (and to docs/audit-format.md) cannot
    // slip through: sha256("000…0" + '{"action":"X",...}').
    const entry = chainEntry(GENESIS_HASH, {
      seq: 1,
      at: '2025-01-01T00:00:00.000Z',
      actor: 'admin',
      roles: ['admin'],
      action: 'SYSTEM_INITIALIZED',
      participantId: null,
      outcome: 'SUCCESS',
      reason: null,
      details: {},
      ip: null,
      requestId: null,
    });
    const expected = createHash('sha256')
      .update(
        GENESIS_HASH +
          '{"action":"SYSTEM_INITIALIZED","actor":"admin","at":"2025-01-01T00:00:00.000Z",' +
          '"details":{},"ip":null,"outcome":"SUCCESS","participantId":null,"reason":null,' +
          '"requestId":null,"roles":["admin"],"seq":1}',
      )
      .digest('hex');
    expect(entry.hash).toBe(expected);
  });

  it('ignores fields that are not part of an entry when hashing', () => {
    const entry = chainEntry(GENESIS_HASH, fields(1));
    const withExtra = { ...entry, extra: 'not hashed' } as ChainedAuditEntry;
    expect(auditEntryHash(GENESIS_HASH, withExtra)).toBe(entry.hash);
  });
});

describe(verifyChain.name, () => {
  it('accepts an intact chain of several entries and reports its length and head', () => {
    const chain = buildChain(6);
    expect(verifyChain(chain)).toEqual({ valid: true, entries: 6, headHash: chain[5].hash });
  });

  it('accepts an empty log, whose head is the genesis hash', () => {
    expect(verifyChain([])).toEqual({ valid: true, entries: 0, headHash: GENESIS_HASH });
  });

  it('detects an edited field and names the edited entry', () => {
    const chain = buildChain(6);
    chain[3] = { ...chain[3], reason: 'changed afterwards' };
    const result = verifyChain(chain);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: 4, entries: 3 });
    expect(result.headHash).toBe(chain[2].hash);
    expect(result.problem).toMatch(/edited/);
  });

  it('detects an edit inside details, at any depth', () => {
    const chain = buildChain(4);
    chain[1] = { ...chain[1], details: { n: 2, note: 'Señal ✓', extra: { limb: 'LEFT' } } };
    expect(verifyChain(chain)).toMatchObject({ valid: false, firstInvalidSeq: 2 });
  });

  it('detects an edit that also recomputes the hash, at the next entry', () => {
    const chain = buildChain(5);
    const forged = chainEntry(chain[1].hash, { ...fields(3), outcome: 'DENIED' });
    chain[2] = forged;
    expect(verifyChain(chain)).toMatchObject({
      valid: false,
      firstInvalidSeq: 4,
      problem: expect.stringMatching(/prevHash/) as unknown,
    });
  });

  it('detects a deleted row, naming the first seq after the gap', () => {
    const chain = buildChain(6);
    chain.splice(2, 1); // seq 3 removed
    const result = verifyChain(chain);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: 4, entries: 2 });
    expect(result.problem).toMatch(/expected seq 3, found 4/);
  });

  it('detects two rows swapped, at the first out-of-place entry', () => {
    const chain = buildChain(6);
    [chain[2], chain[3]] = [chain[3], chain[2]];
    const result = verifyChain(chain);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: 4, entries: 2 });
    expect(result.problem).toMatch(/expected seq 3, found 4/);
  });

  it('detects two rows whose contents were swapped but whose seq numbers were kept', () => {
    // What a swap looks like in a database where seq is the primary key.
    const chain = buildChain(6);
    const [a, b] = [chain[2], chain[3]];
    chain[2] = { ...b, seq: 3 };
    chain[3] = { ...a, seq: 4 };
    expect(verifyChain(chain)).toMatchObject({ valid: false, firstInvalidSeq: 3 });
  });

  it('detects a forged row inserted with a correct hash but a duplicate seq', () => {
    const chain = buildChain(5);
    const forged = chainEntry(chain[1].hash, fields(3, { actor: 'intruder' }));
    chain.splice(2, 0, forged); // forged seq 3, then the genuine seq 3
    const result = verifyChain(chain);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: 3, entries: 3 });
    expect(result.problem).toMatch(/expected seq 4, found 3/);
  });

  it('detects a forged row inserted with later rows renumbered, at the first renumbered row', () => {
    const chain = buildChain(5);
    const forged = chainEntry(chain[1].hash, fields(3, { actor: 'intruder' }));
    const renumbered = chain.slice(2).map((entry) => ({ ...entry, seq: entry.seq + 1 }));
    const tampered = [...chain.slice(0, 2), forged, ...renumbered];
    const result = verifyChain(tampered);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: 4, entries: 3 });
    expect(result.problem).toMatch(/prevHash/);
  });

  it('detects a bad prevHash even when the hash was recomputed over it', () => {
    const chain = buildChain(4);
    const wrongPrev = 'f'.repeat(64);
    chain[2] = chainEntry(wrongPrev, fields(3));
    const result = verifyChain(chain);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: 3, entries: 2 });
    expect(result.problem).toMatch(/prevHash/);
  });

  it('detects a first entry whose prevHash is not the genesis hash', () => {
    const chain = [chainEntry('a'.repeat(64), fields(1))];
    expect(verifyChain(chain)).toMatchObject({ valid: false, firstInvalidSeq: 1 });
  });

  it('detects a log that does not start at seq 1', () => {
    const chain = buildChain(3).slice(1);
    expect(verifyChain(chain)).toMatchObject({ valid: false, firstInvalidSeq: 2, entries: 0 });
  });

  it('detects a changed hash value', () => {
    const chain = buildChain(3);
    chain[2] = { ...chain[2], hash: 'e'.repeat(64) };
    expect(verifyChain(chain)).toMatchObject({ valid: false, firstInvalidSeq: 3 });
  });
});

describe(ChainVerifier.name, () => {
  it('reports only the first break and ignores entries after it', () => {
    const chain = buildChain(6);
    chain[1] = { ...chain[1], actor: 'someone else' };
    chain[4] = { ...chain[4], actor: 'another' };
    const verifier = new ChainVerifier();
    const accepted = chain.map((entry) => verifier.add(entry));
    expect(accepted).toEqual([true, false, false, false, false, false]);
    expect(verifier.result()).toMatchObject({ firstInvalidSeq: 2, entries: 1 });
  });

  it('verifies a chain that starts mid-way when given the seq and hash to expect', () => {
    const chain = buildChain(6);
    const verifier = new ChainVerifier(4, chain[2].hash);
    for (const entry of chain.slice(3)) verifier.add(entry);
    expect(verifier.result()).toEqual({ valid: true, entries: 3, headHash: chain[5].hash });
  });

  it('names the expected seq when an entry has no numeric seq', () => {
    const chain = buildChain(2);
    const broken = { ...chain[1], seq: '2' } as unknown as ChainedAuditEntry;
    const verifier = new ChainVerifier();
    verifier.add(chain[0]);
    expect(verifier.add(broken)).toBe(false);
    expect(verifier.result()).toMatchObject({ firstInvalidSeq: 2 });
  });

  it('marks the chain invalid from the next seq when the rest cannot be read', () => {
    const chain = buildChain(3);
    const verifier = new ChainVerifier();
    verifier.add(chain[0]);
    verifier.add(chain[1]);
    verifier.unreadable('page 7 is corrupted');
    expect(verifier.result()).toEqual({
      valid: false,
      entries: 2,
      headHash: chain[1].hash,
      firstInvalidSeq: 3,
      problem: 'page 7 is corrupted',
    });
  });

  it('keeps an earlier break when the rest then cannot be read', () => {
    const chain = buildChain(2);
    const verifier = new ChainVerifier();
    verifier.add({ ...chain[0], actor: 'edited' });
    verifier.unreadable('page 7 is corrupted');
    expect(verifier.result()).toMatchObject({
      firstInvalidSeq: 1,
      problem: expect.stringMatching(/edited/),
    });
  });
});
