import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditFields, ChainedAuditEntry, chainEntry, GENESIS_HASH } from '../audit/audit-chain';
import { AuditCheckpoint, signCheckpoint } from '../audit/audit-checkpoint';
import { publicKeyBase64 } from '../crypto/ed25519';
import { ndjsonCheckpointLine, serializeAuditExport } from '../audit/audit-export-format';
import { MAX_AUDIT_ENTRY_BYTES } from '../audit/audit-export-reader';
import { auditVerifyCommand } from './audit-verify.command';
import { CliIo, EXIT_INVALID, EXIT_USAGE, EXIT_VALID, UsageError } from './cli-io';
import { runCli } from './main';

const serverKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');

function buildChain(count: number, actor = 'pharmacist1'): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const fields: AuditFields = {
      seq,
      at: new Date(Date.UTC(2025, 0, 1, 9, 0, seq)).toISOString(),
      actor,
      roles: ['pharmacist'],
      action: 'ALLOCATION_VIEWED',
      participantId: `P-${seq}`,
      outcome: 'SUCCESS',
      reason: null,
      details: { slot: seq },
      ip: '10.0.0.7',
      requestId: `req-${seq}`,
    };
    const entry = chainEntry(prev, fields);
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

/** The chain with one more entry: the AUDIT_EXPORTED record an export writes of itself. */
function withExportRecord(
  chain: ChainedAuditEntry[],
  details: Record<string, unknown>,
): ChainedAuditEntry[] {
  const seq = chain.length + 1;
  const record = chainEntry(chain.at(-1)?.hash ?? GENESIS_HASH, {
    seq,
    at: new Date(Date.UTC(2025, 0, 1, 9, 0, seq)).toISOString(),
    actor: 'monitor1',
    roles: ['monitor'],
    action: 'AUDIT_EXPORTED',
    participantId: null,
    outcome: 'SUCCESS',
    reason: null,
    details: { format: 'json', filter: {}, ...details },
    ip: '10.0.0.8',
    requestId: `req-${seq}`,
  });
  return [...chain, record];
}

function checkpointOf(
  entries: ChainedAuditEntry[],
  keys: { privateKey: KeyObject; publicKey: KeyObject } = serverKeys,
): AuditCheckpoint {
  const head = { entries: entries.length, headHash: entries.at(-1)?.hash ?? GENESIS_HASH };
  return signCheckpoint(keys.privateKey, keys.publicKey, head, '2025-02-01T00:00:00.000Z');
}

let dir: string;
let fileCount = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  fileCount += 1;
  const path = join(dir, `${fileCount}-${name}`);
  writeFileSync(path, content);
  return path;
}

function ndjsonFile(entries: ChainedAuditEntry[], checkpoint?: AuditCheckpoint): string {
  const trailer = checkpoint ? ndjsonCheckpointLine(checkpoint) : '';
  return file('export.ndjson', serializeAuditExport('ndjson', entries) + trailer);
}

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await auditVerifyCommand.run(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const pem = serverKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('audit verify', () => {
  describe('the chain', () => {
    it('calls an intact JSON export without a checkpoint not authenticated, exit 1', async () => {
      const chain = buildChain(5);
      const result = await run(file('export.json', serializeAuditExport('json', chain)));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^not authenticated: 5 entries \(seq 1 to 5\)/);
      expect(result.out).not.toMatch(/^valid/m);
      expect(result.err).toMatch(/no checkpoint/);
    });

    it('accepts an intact chain with --allow-unsigned-tail, printing the count and head hash', async () => {
      const chain = buildChain(5);
      const path = file('export.json', serializeAuditExport('json', chain));
      const result = await run(path, '--allow-unsigned-tail');
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).toMatch(new RegExp(`^valid: 5 entries, head hash ${chain[4].hash}\n`));
      expect(result.out).toMatch(/unsigned tail: 5 entries .* not authenticated/);
    });

    it('rejects an edited entry, naming its seq and why', async () => {
      const chain = buildChain(5);
      chain[2] = { ...chain[2], participantId: 'P-99' };
      const result = await run(ndjsonFile(chain));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 3: hash does not match .*edited/);
    });

    it('rejects a deleted entry in a whole export, naming the seq after the gap', async () => {
      // A whole export ends with its own record of an export without filters.
      const chain = withExportRecord(buildChain(5), {});
      chain.splice(1, 1);
      const result = await run(file('export.json', serializeAuditExport('json', chain)));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 3: expected seq 2, found 3/);
      expect(result.out).toMatch(
        /seq 6, records an export without filters, so no seq may be missing/,
      );
    });
  });

  describe('filtered exports and stale checkpoints', () => {
    const headerFile = (checkpoint: AuditCheckpoint) =>
      file('export.checkpoint', Buffer.from(JSON.stringify(checkpoint)).toString('base64'));
    const serverKey = () => file('server.pem', pem);

    it('explains a filtered export by the filter its own record names, exit 2', async () => {
      const chain = withExportRecord(buildChain(7), {
        filter: { actor: 'pharmacist1' },
        format: 'csv',
      });
      const kept = [chain[1], chain[2], chain[4], chain[7]];
      const result = await run(
        file('filtered.csv', serializeAuditExport('csv', kept)),
        '--checkpoint',
        headerFile(checkpointOf(chain)),
        '--public-key',
        serverKey(),
      );
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.out).toMatch(
        /^this export is filtered: the chain can only be checked on a full export\nits own record \(AUDIT_EXPORTED, seq 8\) names the filter: actor=pharmacist1\n/,
      );
      expect(result.out).toMatch(/checked: each of its 4 entries matches its own hash/);
      expect(result.out).toMatch(/checkpoint .*: 8 entries .*; matches the file's seq 8/);
      expect(result.out).not.toMatch(/invalid|edited|deletion|cut short|rewritten/);
    });

    it('explains a filtered export that leaves out its own record (an action filter), exit 2', async () => {
      const chain = withExportRecord(buildChain(7), { filter: { actions: ['ALLOCATION_VIEWED'] } });
      const result = await run(
        ndjsonFile([chain[2], chain[3], chain[5]], checkpointOf(chain)),
        '--public-key',
        serverKey(),
      );
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.out).toMatch(
        /^this export is filtered: the chain can only be checked on a full export\n/,
      );
      expect(result.out).toMatch(/it starts at seq 3, and it does not end with the export's own/);
      expect(result.out).toMatch(/covers the log up to seq 8, which this file leaves out/);
    });

    it('reads a file that starts after seq 1, without any record, as filtered, exit 2', async () => {
      const result = await run(ndjsonFile(buildChain(4).slice(2)));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.out).toMatch(/^this export is filtered/);
    });

    it('still names an edited entry inside a filtered export, exit 1', async () => {
      const chain = withExportRecord(buildChain(7), { filter: { actor: 'pharmacist1' } });
      const kept = [chain[1], chain[4], { ...chain[5], reason: 'LEFT' }, chain[7]];
      const result = await run(file('filtered.csv', serializeAuditExport('csv', kept)));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 6: hash does not match the entry content/);
      expect(result.out).toMatch(
        /skips seqs, as a filtered export does, from seq 0 to seq 2 first/,
      );
    });

    it('still names entries out of order inside a filtered export, exit 1', async () => {
      const chain = withExportRecord(buildChain(7), { filter: { actor: 'pharmacist1' } });
      const result = await run(ndjsonFile([chain[1], chain[2], chain[4], chain[2]]));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(
        /^invalid: seq 3: seq 3 comes after seq 5 \(a reorder or a repeat\)/,
      );
    });

    it('refuses a filtered file whose seq at the checkpoint has another hash, exit 1', async () => {
      const chain = withExportRecord(buildChain(7), { filter: { actor: 'pharmacist1' } });
      const other = withExportRecord(buildChain(7, 'someone-else'), { filter: { actor: 'x' } });
      const result = await run(
        ndjsonFile([chain[2], chain[7]]),
        '--checkpoint',
        headerFile(checkpointOf(other)),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 8: the hash of seq 8 differs from the checkpoint/);
    });

    it('explains entries past a checkpoint taken just before the export as the export’s own record', async () => {
      const chain = withExportRecord(buildChain(5), {});
      const before = file('before.json', JSON.stringify(checkpointOf(chain.slice(0, 5))));
      const path = file('export.csv', serializeAuditExport('csv', chain));
      const result = await run(path, '--checkpoint', before, '--public-key', serverKey());
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(
        /^not authenticated: this checkpoint is older than the export: 1 entry was added by the export itself \(AUDIT_EXPORTED, seq 6\), and no signature covers it\n/,
      );
      expect(result.out).toMatch(
        /Pass the checkpoint saved with this export \(its X-Audit-Checkpoint header/,
      );
      expect(result.out).not.toMatch(/recomputed by anyone/);
      const accepted = await run(
        path,
        '--checkpoint',
        before,
        '--public-key',
        serverKey(),
        '--allow-unsigned-tail',
      );
      expect(accepted.code).toBe(EXIT_VALID);
      expect(accepted.out).toMatch(
        /matches the chain \(this checkpoint is older than the export: 1 entry was added/,
      );
      const own = headerFile(checkpointOf(chain));
      expect((await run(path, '--checkpoint', own, '--public-key', serverKey())).code).toBe(
        EXIT_VALID,
      );
    });

    it('counts several export records after an old checkpoint, and other entries as written after it', async () => {
      const chain = withExportRecord(withExportRecord(buildChain(4), {}), {});
      const old = file('old.json', JSON.stringify(checkpointOf(chain.slice(0, 4))));
      const result = await run(ndjsonFile(chain), '--checkpoint', old, '--allow-unsigned-tail');
      expect(result.out).toMatch(
        /2 entries were added by the export itself \(AUDIT_EXPORTED, seq 5 to 6\)/,
      );
      const older = file('older.json', JSON.stringify(checkpointOf(chain.slice(0, 3))));
      const mixed = await run(ndjsonFile(chain), '--checkpoint', older, '--allow-unsigned-tail');
      expect(mixed.out).toMatch(/\(3 entries were written after it\)/);
    });

    it('says a checkpoint covering more than a whole export may be a later one, still exit 1', async () => {
      const chain = withExportRecord(buildChain(5), {});
      const later = withExportRecord(chain, {});
      const result = await run(
        file('export.json', serializeAuditExport('json', chain)),
        '--checkpoint',
        headerFile(checkpointOf(later)),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(
        /^invalid: seq 7: the checkpoint covers 7 entries but the log holds only 6/,
      );
      expect(result.out).toMatch(/ends with the record of an unfiltered export, seq 6/);
    });
  });

  describe('checkpoints', () => {
    it('accepts an NDJSON export whose checkpoint line is signed by the given key (PEM file)', async () => {
      const chain = buildChain(4);
      const result = await run(
        ndjsonFile(chain, checkpointOf(chain)),
        '--public-key',
        file('server.pem', pem),
      );
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).toMatch(/^valid: 4 entries/);
      expect(result.out).toMatch(/checkpoint line\): 4 entries at 2025-02-01.*matches the chain/);
      expect(result.err).toBe('');
    });

    it('accepts the key as base64 SPKI on the command line, or as a DER file', async () => {
      const chain = buildChain(2);
      const path = ndjsonFile(chain, checkpointOf(chain));
      const base64 = publicKeyBase64(serverKeys.publicKey);
      expect((await run(path, '--public-key', base64)).code).toBe(EXIT_VALID);
      const der = serverKeys.publicKey.export({ type: 'spki', format: 'der' });
      expect((await run(path, '--public-key', file('server.der', der))).code).toBe(EXIT_VALID);
    });

    it('rejects a checkpoint signed by another key than the given one', async () => {
      const chain = buildChain(3);
      const result = await run(
        ndjsonFile(chain, checkpointOf(chain, otherKeys)),
        '--public-key',
        file('server.pem', pem),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/signature does not verify with the given public key/);
    });

    it('does not authenticate a log re-signed with a forger’s own key when no --public-key is given', async () => {
      const chain = buildChain(3);
      const forged = await run(ndjsonFile(chain, checkpointOf(chain, otherKeys)));
      expect(forged.code).toBe(EXIT_INVALID);
      expect(forged.out).toMatch(/^not authenticated: 3 entries.*without --public-key/);
      expect(forged.out).not.toMatch(/^valid/m);
    });

    it('rejects a checkpoint altered after signing, even without a key to pin', async () => {
      const chain = buildChain(3);
      const altered = { ...checkpointOf(chain), at: '2030-01-01T00:00:00.000Z' };
      const result = await run(ndjsonFile(chain, altered));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/signature does not verify/);
    });

    it('rejects an NDJSON export whose tail was cut off under its checkpoint line', async () => {
      const chain = buildChain(6);
      const result = await run(ndjsonFile(chain.slice(0, 4), checkpointOf(chain)));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(
        /^invalid: seq 5: the checkpoint covers 6 entries but the log holds only 4.*cut short.*checkpoint line/,
      );
    });

    it('rejects a JSON export shorter than the checkpoint a sponsor kept', async () => {
      const chain = buildChain(6);
      const kept = file('checkpoint.json', JSON.stringify(checkpointOf(chain)));
      const exported = file('export.json', serializeAuditExport('json', chain.slice(0, 5)));
      const result = await run(
        exported,
        '--checkpoint',
        kept,
        '--public-key',
        file('server.pem', pem),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 6: .*covers 6 entries.*only 5.*checkpoint file/);
    });

    it('rejects a log recomputed from the start, which no chain check alone can see', async () => {
      const original = buildChain(5);
      const kept = file('checkpoint.json', JSON.stringify(checkpointOf(original.slice(0, 3))));
      const rewritten = buildChain(5, 'someone-else');
      const result = await run(ndjsonFile(rewritten), '--checkpoint', kept);
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 3: .*rewritten at or before seq 3/);
    });

    it('accepts a kept checkpoint older than the export when the hash at its seq matches', async () => {
      const chain = buildChain(8);
      const kept = file('checkpoint.json', ndjsonCheckpointLine(checkpointOf(chain.slice(0, 5))));
      const result = await run(
        ndjsonFile(chain, checkpointOf(chain)),
        '--checkpoint',
        kept,
        '--public-key',
        file('server.pem', pem),
      );
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).toMatch(
        /checkpoint file .*: 5 entries .* \(3 entries were written after it\)/,
      );
    });

    it('matches a checkpoint line older than the entries before it, reading the file again', async () => {
      const chain = buildChain(8);
      const path = ndjsonFile(chain, checkpointOf(chain.slice(0, 6)));
      const result = await run(path, '--allow-unsigned-tail');
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).toMatch(/6 entries .* \(2 entries were written after it\)/);
      expect(result.err).toMatch(/--public-key/);
    });

    it('matches a kept checkpoint and an older checkpoint line together, each at its own seq', async () => {
      const chain = buildChain(8);
      const kept = file('checkpoint.json', JSON.stringify(checkpointOf(chain.slice(0, 4))));
      const path = ndjsonFile(chain, checkpointOf(chain.slice(0, 6)));
      const result = await run(
        path,
        '--checkpoint',
        kept,
        '--public-key',
        file('server.pem', pem),
        '--allow-unsigned-tail',
      );
      expect(result.code).toBe(EXIT_VALID);
      expect(result.out).toMatch(/checkpoint line\): 6 entries .*matches the chain/);
      expect(result.out).toMatch(/checkpoint file .*: 4 entries .*matches the chain/);
    });

    it('calls entries inserted after the signed range "not authenticated: 2 entries", exit 1', async () => {
      // The review's attack: two made-up entries chained after the real checkpoint's range.
      const real = buildChain(6);
      const forged = buildChain(8, 'unblinder9');
      let prev = real[5].hash;
      const tail = forged.slice(6).map((entry) => {
        const fields: AuditFields = { ...entry };
        const chained = chainEntry(prev, fields);
        prev = chained.hash;
        return chained;
      });
      const path = ndjsonFile([...real, ...tail], checkpointOf(real));
      const result = await run(path, '--public-key', file('server.pem', pem));
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^not authenticated: 2 entries \(seq 7 to 8\)/);
      expect(result.out).toMatch(/--allow-unsigned-tail/);
    });

    it('refuses --public-key when there is no checkpoint to apply it to', async () => {
      const result = await run(ndjsonFile(buildChain(2)), '--public-key', file('server.pem', pem));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/no checkpoint to check it against/);
    });
  });

  describe('CSV exports', () => {
    /** The X-Audit-Checkpoint header as the controller sends it: base64 of the checkpoint's JSON. */
    const headerFile = (checkpoint: AuditCheckpoint) =>
      file(
        'export.csv.checkpoint',
        `X-Audit-Checkpoint: ${Buffer.from(JSON.stringify(checkpoint)).toString('base64')}\r\n`,
      );
    const csvFile = (entries: ChainedAuditEntry[], text = serializeAuditExport('csv', entries)) =>
      file('export.csv', text);
    const awkward = () => {
      const chain = buildChain(5);
      let prev = GENESIS_HASH;
      return chain.map((entry, index) => {
        const fields: AuditFields = {
          ...entry,
          reason: ['', null, '=1+1, "q"', 'x;@y\r\nz', "'"][index],
          details: { note: index % 2 === 0 ? '-x;+y' : '' },
        };
        const chained = chainEntry(prev, fields);
        prev = chained.hash;
        return chained;
      });
    };

    it('verifies a CSV export with its saved X-Audit-Checkpoint header and the server key, exit 0', async () => {
      const chain = awkward();
      const result = await run(
        csvFile(chain),
        '--checkpoint',
        headerFile(checkpointOf(chain)),
        '--public-key',
        file('server.pem', pem),
      );
      expect(result.out).toMatch(new RegExp(`^valid: 5 entries, head hash ${chain[4].hash}\n`));
      expect(result.code).toBe(EXIT_VALID);
      expect(result.err).toBe('');
    });

    it('names the seq of an edited CSV field, exit 1', async () => {
      const chain = awkward();
      const text = serializeAuditExport('csv', chain).replace('"P-3"', '"P-9"');
      const result = await run(
        csvFile(chain, text),
        '--checkpoint',
        headerFile(checkpointOf(chain)),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 3: hash does not match the entry content/);
    });

    it('catches an empty string turned into null (a spreadsheet re-save), naming the seq', async () => {
      const chain = awkward();
      const rows = serializeAuditExport('csv', chain).split('\r\n');
      rows[1] = rows[1].replace(',"",', ',,');
      const result = await run(csvFile(chain, rows.join('\r\n')), '--allow-unsigned-tail');
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 1: hash does not match/);
    });

    it('catches a CSV cut at a record boundary with the saved checkpoint, exit 1', async () => {
      const chain = awkward();
      const rows = serializeAuditExport('csv', chain).split('\r\n');
      const cut = `${rows.slice(0, 4).join('\r\n')}\r\n`;
      const result = await run(
        csvFile(chain, cut),
        '--checkpoint',
        headerFile(checkpointOf(chain)),
      );
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(
        /^invalid: seq 4: the checkpoint covers 5 entries but the log holds only 3/,
      );
    });

    it('refuses a CSV cut inside a record, a repeated header or an extra column, exit 2', async () => {
      const chain = awkward();
      const text = serializeAuditExport('csv', chain);
      const cut = await run(csvFile(chain, text.slice(0, -40)));
      expect(cut.code).toBe(EXIT_USAGE);
      expect(cut.err).toMatch(/^Cannot verify: line \d+: .*cut short/);
      const joined = await run(csvFile(chain, text + text));
      expect(joined.code).toBe(EXIT_USAGE);
      expect(joined.err).toMatch(/line \d+: the header row is repeated/);
      const rows = text.split('\r\n');
      rows[2] += ',"LEFT"';
      const extra = await run(csvFile(chain, rows.join('\r\n')));
      expect(extra.code).toBe(EXIT_USAGE);
      expect(extra.err).toMatch(/line 3: the record has 14 fields, the header 13/);
    });

    it('says why an entry with a lone surrogate fails in CSV only (UTF-8 writes U+FFFD for it)', async () => {
      const chain = buildChain(3);
      chain[1] = chainEntry(chain[0].hash, { ...chain[1], reason: 'lock \ud800 reason' });
      chain[2] = chainEntry(chain[1].hash, chain[2]);
      // As the server sends it: the text encoded as UTF-8, the lone surrogate replaced.
      const bytes = Buffer.from(serializeAuditExport('csv', chain), 'utf8');
      const result = await run(file('surrogate.csv', bytes), '--allow-unsigned-tail');
      expect(result.code).toBe(EXIT_INVALID);
      expect(result.out).toMatch(/^invalid: seq 2: hash does not match/);
      expect(result.out).toMatch(
        /holds U\+FFFD: .*lone UTF-16 surrogate.*verify the JSON or NDJSON/,
      );
      const json = Buffer.from(serializeAuditExport('json', chain), 'utf8');
      expect((await run(file('surrogate.json', json), '--allow-unsigned-tail')).code).toBe(
        EXIT_VALID,
      );
    });

    it('warns when the name promises another format than the content holds', async () => {
      const text = serializeAuditExport('csv', buildChain(2));
      const result = await run(file('export.json', text), '--allow-unsigned-tail');
      expect(result.code).toBe(EXIT_VALID);
      expect(result.err).toMatch(/is named \.json but holds CSV; read as CSV/);
    });

    it('detects CSV by content whatever the name, and reads what --format names', async () => {
      const chain = buildChain(2);
      const text = serializeAuditExport('csv', chain);
      const named = await run(file('export.txt', text), '--allow-unsigned-tail');
      expect(named.code).toBe(EXIT_VALID);
      const forced = await run(file('export.txt', text), '--format', 'ndjson');
      expect(forced.code).toBe(EXIT_USAGE);
      expect(forced.err).toMatch(/line 1: the line is not valid JSON/);
      await expect(run(file('x.csv', text), '--format', 'xml')).rejects.toThrow(
        /--format must be one of/,
      );
    });
  });

  describe('hostile input', () => {
    it('refuses a line that repeats a key (a hidden "reason" before the real one), exit 2', async () => {
      const chain = buildChain(3);
      const lines = serializeAuditExport('ndjson', chain).split('\n');
      lines[1] = lines[1].replace(
        '"reason":null',
        '"reason":"cells in the LEFT leg","reason":null',
      );
      expect(JSON.parse(lines[1])).toMatchObject({ reason: null }); // JSON.parse would keep the last
      const result = await run(file('dup.ndjson', lines.join('\n')));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/line 2: .*duplicate key "reason"/);
    });

    it('refuses a repeated key inside a JSON array element too', async () => {
      const text = serializeAuditExport('json', buildChain(2)).replace(
        '"seq":2',
        '"seq":2,"seq":2',
      );
      const result = await run(file('dup.json', text));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/duplicate key "seq"/);
    });

    it('refuses a symlink to /dev/zero with exit 2: only a regular file is read', async () => {
      const link = join(dir, 'zero.ndjson');
      symlinkSync('/dev/zero', link);
      const result = await run(link, '--allow-unsigned-tail');
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/is a device; only a regular file is read/);
    });

    it('refuses a file whose line is longer than any entry, with exit 2', async () => {
      const path = file('long.ndjson', Buffer.alloc(MAX_AUDIT_ENTRY_BYTES + 10, 'x'));
      const result = await run(path);
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/line 1: the line is longer than/);
    });
  });

  describe('unreadable input and usage', () => {
    it('exits 2 for a missing file', async () => {
      const result = await run(join(dir, 'absent.ndjson'));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/^Cannot verify: cannot read/);
    });

    it('exits 2 for a file that is not an audit export, naming the line', async () => {
      const chain = buildChain(2);
      const text = serializeAuditExport('ndjson', chain) + 'not json\n';
      const result = await run(file('bad.ndjson', text));
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/line 3: the line is not valid JSON/);
    });

    it('exits 2 for an unreadable public key or checkpoint file', async () => {
      const path = ndjsonFile(buildChain(1));
      expect((await run(path, '--public-key', 'not-a-key')).err).toMatch(/--public-key not-a-key/);
      const bad = file('checkpoint.json', '{"entries":1}');
      const result = await run(path, '--checkpoint', bad);
      expect(result.code).toBe(EXIT_USAGE);
      expect(result.err).toMatch(/missing field "headHash"/);
    });

    it('throws a usage error without a file, with two files, or with an unknown option', async () => {
      await expect(run()).rejects.toThrow(UsageError);
      await expect(run('a', 'b')).rejects.toThrow(UsageError);
      await expect(run('a', '--key', 'x')).rejects.toThrow(/unknown option --key/);
    });

    it('is reachable from the command line as "audit verify", exiting 2 with usage', async () => {
      const err: string[] = [];
      const code = await runCli(['audit', 'verify'], {
        out: () => undefined,
        err: (l) => err.push(l),
      });
      expect(code).toBe(EXIT_USAGE);
      expect(err.join('\n')).toMatch(/Usage: audit verify <file>/);
    });
  });
});
