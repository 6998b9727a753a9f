import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditFields, ChainedAuditEntry, chainEntry, GENESIS_HASH } from '../audit/audit-chain';
import { signCheckpoint } from '../audit/audit-checkpoint';
import { ndjsonCheckpointLine, serializeAuditExport } from '../audit/audit-export-format';
import { loadTrialFile } from '../config/trial-file.loader';
import {
  buildListExport,
  ListExport,
  signListExport,
  SignedListExport,
} from '../randomization/list-export';
import { generateList } from '../randomization/list-generator';
import { CliIo, EXIT_INVALID, EXIT_USAGE, EXIT_VALID } from './cli-io';
import { MAX_LIST_EXPORT_BYTES } from './input-limits';
import { runCli } from './main';

const NCT_FILE = join(__dirname, '..', '..', 'config', 'trials', 'nct02286011.json');
const nct = loadTrialFile(NCT_FILE);
const serverKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const ALLOCATED = 12;

let dir: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'list-verify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  count += 1;
  const path = join(dir, `${count}-${name}`);
  writeFileSync(path, content);
  return path;
}

const pemFile = () =>
  write('server.pem', serverKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString());

/** The log of a trial run: the list, twelve allocations in slot order, the lock and the export. */
function auditLog(
  commitment: string,
  allocated: { participantId: string; stratum: string; slot: number }[],
) {
  const events: Omit<AuditFields, 'seq' | 'at' | 'ip' | 'requestId' | 'reason'>[] = [
    {
      actor: 'stat1',
      roles: ['statistician'],
      action: 'LIST_GENERATED',
      participantId: null,
      outcome: 'SUCCESS',
      details: { commitment, method: 'permuted-blocks' },
    },
    ...allocated.map((a) => ({
      actor: 'pharm1',
      roles: ['pharmacist'],
      action: 'ALLOCATED',
      participantId: a.participantId,
      outcome: 'SUCCESS' as const,
      details: { stratum: a.stratum, slot: a.slot },
    })),
    {
      actor: 'admin',
      roles: ['admin'],
      action: 'STUDY_LOCKED',
      participantId: null,
      outcome: 'SUCCESS',
      details: {},
    },
    {
      actor: 'stat1',
      roles: ['statistician'],
      action: 'LIST_EXPORTED',
      participantId: null,
      outcome: 'SUCCESS',
      details: {},
    },
  ];
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  events.forEach((event, i) => {
    const entry = chainEntry(prev, {
      ...event,
      seq: i + 1,
      at: new Date(Date.UTC(2025, 1, 1, 9, i)).toISOString(),
      reason: null,
      ip: null,
      requestId: `req-${i + 1}`,
    });
    entries.push(entry);
    prev = entry.hash;
  });
  return entries;
}

/** A locked trial: the signed list export and the NDJSON audit export that goes with it. */
function lockedTrial(): { exported: SignedListExport; entries: ChainedAuditEntry[] } {
  const slots = generateList(nct, 'cli-verify-seed').map((s, i) => ({
    ...s,
    participantId: i < ALLOCATED ? `ELA-${String(i + 1).padStart(3, '0')}` : null,
  }));
  const unsigned = buildListExport({
    trial: nct,
    seed: 'cli-verify-seed',
    nonce: 'ab'.repeat(32),
    generatedAt: '2025-02-01T08:00:00.000Z',
    slots,
  });
  const entries = auditLog(
    unsigned.commitment,
    slots
      .filter((s) => s.participantId !== null)
      .map((s) => ({ participantId: s.participantId as string, stratum: s.stratum, slot: s.slot })),
  );
  const head = entries[entries.length - 1];
  const exported = signListExport(
    { ...unsigned, auditHead: { entries: head.seq, headHash: head.hash } },
    serverKeys,
  );
  return { exported, entries };
}

function auditFile(entries: ChainedAuditEntry[]): string {
  const checkpoint = signCheckpoint(
    serverKeys.privateKey,
    serverKeys.publicKey,
    { entries: entries.length, headHash: entries[entries.length - 1].hash },
    '2025-02-02T00:00:00.000Z',
  );
  return write(
    'audit.ndjson',
    serializeAuditExport('ndjson', entries) + ndjsonCheckpointLine(checkpoint),
  );
}

async function verify(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await runCli(['list', 'verify', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The review's tampering: swap a LEFT and a RIGHT participant, give a free slot to a stranger. */
function tampered(exported: ListExport): ListExport {
  const copy = structuredClone(exported);
  const allocated = copy.slots.slice(0, ALLOCATED);
  const left = allocated.find((s) => s.limb === 'LEFT');
  const right = allocated.find((s) => s.limb === 'RIGHT');
  if (!left || !right) throw new Error('the test list has no LEFT and RIGHT allocated slot');
  [left.participantId, right.participantId] = [right.participantId, left.participantId];
  const free = copy.slots.find((s) => s.participantId === null);
  if (!free) throw new Error('no free slot');
  free.participantId = 'ELA-099';
  return copy;
}

describe('list verify', () => {
  describe('with every check', () => {
    it('exits 0 and says VALID only when the signature and the audit log were both checked', async () => {
      const { exported, entries } = lockedTrial();
      const result = await verify(
        write('export.json', JSON.stringify(exported)),
        '--public-key',
        pemFile(),
        '--audit',
        auditFile(entries),
      );
      expect(result.err).toBe('');
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).toMatch(/^VALID: every check was made\.$/m);
      expect(result.out).toContain(`matches the ${ALLOCATED} ALLOCATED entries`);
      expect(result.out).toContain(
        'the commitment is the one published at generation (LIST_GENERATED entry seq 1)',
      );
    });

    it('exits 1 with --audit when the LIST_GENERATED entry published another commitment', async () => {
      const { exported } = lockedTrial();
      const allocated = exported.slots.slice(0, ALLOCATED).map((s) => ({
        participantId: s.participantId as string,
        stratum: s.stratum,
        slot: s.slot,
      }));
      const entries = auditLog('e'.repeat(64), allocated);
      const head = entries[entries.length - 1];
      const resigned = signListExport(
        { ...exported, auditHead: { entries: head.seq, headHash: head.hash } },
        serverKeys,
      );
      const result = await verify(
        write('export.json', JSON.stringify(resigned)),
        '--public-key',
        pemFile(),
        '--audit',
        auditFile(entries),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toContain(`is not the one published at generation (${'e'.repeat(64)}`);
    });
  });

  describe('without --public-key or --audit', () => {
    it('never prints a bare VALID: it names each check it did not make', async () => {
      const { exported } = lockedTrial();
      const result = await verify(write('export.json', JSON.stringify(exported)));
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).not.toMatch(/^VALID/m);
      expect(result.out).toMatch(/^NOT FULLY VERIFIED: 3 checks not made\.$/m);
      expect(result.out).toContain('not checked: the signature was not checked (--public-key)');
      expect(result.out).toContain(
        'not checked: who got which slot was not checked against the audit log (--audit)',
      );
      expect(result.out).toContain('not checked: the commitment was not compared');
    });

    it('still says what it did not check for the tampered export it cannot catch alone', async () => {
      const { exported } = lockedTrial();
      const result = await verify(write('tampered.json', JSON.stringify(tampered(exported))));
      expect(result.out).not.toMatch(/^VALID/m);
      expect(result.out).toContain('who got which slot was not checked');
    });
  });

  describe('a swapped LEFT and RIGHT participant and a free slot given away', () => {
    it('exits 1 with --audit, naming each participant whose slot differs from its ALLOCATED entry', async () => {
      const { exported, entries } = lockedTrial();
      const bad = tampered(exported);
      const result = await verify(
        write('tampered.json', JSON.stringify(bad)),
        '--audit',
        auditFile(entries),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^INVALID: 3 problems$/m);
      const swapped = bad.slots
        .slice(0, ALLOCATED)
        .filter((s, i) => s.participantId !== exported.slots[i].participantId);
      expect(swapped).toHaveLength(2);
      for (const slot of swapped) {
        expect(result.out).toContain(
          `gives slot ${slot.slot} of stratum "all" to ${slot.participantId}; the ALLOCATED entry`,
        );
      }
      expect(result.out).toMatch(/to ELA-099, whom no ALLOCATED entry allocated/);
    });

    it('exits 1 with --public-key: the signature no longer verifies', async () => {
      const { exported } = lockedTrial();
      const result = await verify(
        write('tampered.json', JSON.stringify(tampered(exported))),
        '--public-key',
        pemFile(),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toContain('The signature does not verify');
    });

    it('exits 1 with --public-key when the export is re-signed by another key', async () => {
      const { exported } = lockedTrial();
      const resigned = signListExport(tampered(exported) as SignedListExport, otherKeys);
      const result = await verify(
        write('resigned.json', JSON.stringify(resigned)),
        '--public-key',
        pemFile(),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toContain('signed by another key than the given public key');
    });
  });

  describe('the audit cross-check', () => {
    it('exits 1 for an ALLOCATED entry whose participant holds no slot in the export', async () => {
      const { exported, entries } = lockedTrial();
      const unsigned = structuredClone(exported);
      unsigned.slots[3].participantId = null;
      const result = await verify(
        write('cleared.json', JSON.stringify(unsigned)),
        '--audit',
        auditFile(entries),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(
        /ALLOCATED entry seq 5 gave slot 4 of stratum "all" to ELA-004, who holds no slot/,
      );
    });

    it('exits 1 for an audit export of another log than the one the list export names', async () => {
      const { exported, entries } = lockedTrial();
      const rewritten = auditLogAt(entries);
      const result = await verify(
        write('export.json', JSON.stringify(exported)),
        '--audit',
        auditFile(rewritten),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/is not the list export's audit head .*not the same log/);
    });

    it('exits 1 for an audit export cut before the list was exported', async () => {
      const { exported, entries } = lockedTrial();
      const result = await verify(
        write('export.json', JSON.stringify(exported)),
        '--audit',
        auditFile(entries.slice(0, 10)),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toContain(
        `holds 10 entries; the list export was made at entry ${entries.length}`,
      );
    });
  });

  describe('hostile files (exit 2 with a clear message)', () => {
    it('refuses a symlink to /dev/zero as the export or as the audit export', async () => {
      const link = join(dir, 'zero.json');
      symlinkSync('/dev/zero', link);
      const asExport = await verify(link);
      expect(asExport.code).toBe(EXIT_USAGE);
      expect(asExport.err).toMatch(/zero\.json is a device; only a regular file is read/);
      const { exported } = lockedTrial();
      const asAudit = await verify(write('export.json', JSON.stringify(exported)), '--audit', link);
      expect(asAudit.code).toBe(EXIT_USAGE);
      expect(asAudit.err).toMatch(/is a device; only a regular file is read/);
    });

    it('refuses an export file larger than the bound before reading it', async () => {
      const big = write('big.json', '');
      truncateSync(big, MAX_LIST_EXPORT_BYTES + 1); // sparse: no disk, no memory
      const result = await verify(big);
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toContain(`at most ${MAX_LIST_EXPORT_BYTES} bytes are read`);
    });

    it('refuses an export with more slots than a list holds', async () => {
      const { exported } = lockedTrial();
      const text = JSON.stringify({ ...exported, slots: [] }).replace(
        '"slots":[]',
        `"slots":[${'0,'.repeat(100_000)}0]`,
      );
      const result = await verify(write('many.json', text));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toContain('has 100001 slots; a list holds at most 100000');
    });

    it('refuses a --trial file of 8 factors × 10 levels (10^8 strata)', async () => {
      const { exported } = lockedTrial();
      const hostile = {
        ...JSON.parse(JSON.stringify(nct)),
        stratification: Array.from({ length: 8 }, (_, f) => ({
          id: `f${f}`,
          levels: Array.from({ length: 10 }, (_, l) => `l${l}`),
        })),
      };
      const trial = write('hostile-trial.json', JSON.stringify(hostile));
      const result = await verify(write('export.json', JSON.stringify(exported)), '--trial', trial);
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/gives 100000000 strata .* at most 1000 are allowed/);
    });

    it('refuses an export with a repeated key or an unknown field', async () => {
      const { exported } = lockedTrial();
      const text = JSON.stringify(exported).replace('"seed":', '"seed":"other","seed":');
      const dup = await verify(write('dup.json', text));
      expect(dup.code).toBe(EXIT_USAGE);
      expect(dup.err).toContain('duplicate key "seed"');
      const extra = await verify(write('extra.json', JSON.stringify({ ...exported, note: 'x' })));
      expect(extra.code).toBe(EXIT_USAGE);
      expect(extra.err).toContain('has an unknown field "note"');
    });
  });
});

/** The same events with other times: a different chain, as another database would hold. */
function auditLogAt(entries: ChainedAuditEntry[]): ChainedAuditEntry[] {
  let prev = GENESIS_HASH;
  return entries.map((entry) => {
    const next = chainEntry(prev, {
      ...entry,
      at: new Date(Date.parse(entry.at) + 1000).toISOString(),
    });
    prev = next.hash;
    return next;
  });
}
