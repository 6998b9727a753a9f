import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditFields, ChainedAuditEntry, chainEntry, GENESIS_HASH } from './audit-chain';
import { AuditCheckpoint, signCheckpoint } from './audit-checkpoint';
import { ndjsonCheckpointLine, serializeAuditExport } from './audit-export-format';

/**
 * docs/audit-format.md promises an inspector can verify an export with Python's standard library
 * and check a checkpoint's signature with OpenSSL. These tests run the recipes exactly as the
 * page prints them, on exports built by the real serializers, so the page cannot drift.
 */
const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'audit-format.md'), 'utf8');

function recipe(name: string): string {
  const marker = DOC.indexOf(`<!-- recipe: ${name}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(DOC.slice(marker));
  if (marker < 0 || !block) throw new Error(`docs/audit-format.md has no recipe ${name}`);
  return block[1];
}

const available = (command: string, args: string[]) => spawnSync(command, args).status === 0;
const hasPython = available('python3', ['--version']);
const hasOpenssl = available('openssl', ['version']);

/** Values where JavaScript and a naive Python json.dumps disagree, to prove the recipe does not. */
const AWKWARD_DETAILS = {
  floats: [
    1.5,
    0.1 + 0.2,
    1e21,
    1.5e-7,
    0.000001,
    1e-7,
    123e18,
    1e16,
    -0.5,
    5e-324,
    1.7976931348623157e308,
    1.2345678901234568e20,
    2 ** 53 + 2,
  ],
  integers: [0, -1, 42, 9007199254740991],
  text: 'Señal ✓ 😀 \u2028 \u0001 \u007f "q" \\ /\n\t',
  loneSurrogate: '\ud800x',
  keys: { z: 1, a: 2, é: 3, '😀': 4, '\uffff': 5, B: 6, '': 7 },
  nested: [{}, [], null, true, false],
};

function buildChain(count: number): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const fields: AuditFields = {
      seq,
      at: new Date(Date.UTC(2025, 0, 1, 9, 0, seq)).toISOString(),
      actor: seq === 2 ? 'José Ñúñez' : 'pharmacist1',
      roles: ['pharmacist', 'investigator'],
      action: 'ALLOCATION_VIEWED',
      participantId: seq === 3 ? null : `P-${seq}`,
      outcome: seq === 4 ? 'DENIED' : 'SUCCESS',
      reason: seq === 3 ? 'two\nlines, "quoted"' : null,
      details: seq === 2 ? AWKWARD_DETAILS : { slot: seq },
      ip: null,
      requestId: `req-${seq}`,
    };
    const entry = chainEntry(prev, fields);
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

const keys = generateKeyPairSync('ed25519');
function checkpointOf(entries: ChainedAuditEntry[]): AuditCheckpoint {
  return signCheckpoint(
    keys.privateKey,
    keys.publicKey,
    { entries: entries.length, headHash: entries.at(-1)?.hash ?? GENESIS_HASH },
    '2025-02-01T00:00:00.000Z',
  );
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-doc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

(hasPython ? describe : describe.skip)('the Python recipe of docs/audit-format.md', () => {
  let script: string;
  beforeAll(() => {
    script = join(dir, 'verify_audit.py');
    writeFileSync(script, recipe('verify_audit.py'));
  });

  function runRecipe(name: string, content: string, ...options: string[]) {
    const path = join(dir, name);
    writeFileSync(path, content);
    const result = spawnSync('python3', [script, path, ...options], { encoding: 'utf8' });
    return { status: result.status, out: result.stdout, err: result.stderr };
  }

  it('finds an NDJSON export valid, with its checkpoint line matching', () => {
    const chain = buildChain(6);
    const text = serializeAuditExport('ndjson', chain) + ndjsonCheckpointLine(checkpointOf(chain));
    const result = runRecipe('export.ndjson', text);
    expect(result.err).toBe('');
    expect(result.out).toBe(
      'checkpoint of 6 entries matches (its signature is not checked here)\n' +
        `valid: 6 entries, head hash ${chain[5].hash}\n`,
    );
    expect(result.status).toBe(0);
  });

  it('finds a JSON export valid, byte order mark and all', () => {
    const chain = buildChain(5);
    const result = runRecipe('export.json', `\uFEFF${serializeAuditExport('json', chain)}`);
    expect(result.out).toBe(`valid: 5 entries, head hash ${chain[4].hash}\n`);
    expect(result.status).toBe(0);
  });

  it('reproduces JavaScript’s canonical JSON for floats, non-ASCII, surrogates and key order', () => {
    // Entry 2 carries AWKWARD_DETAILS: had any of them been written differently, its hash would
    // not match and the recipe would name seq 2.
    const chain = buildChain(2);
    const result = runRecipe('awkward.ndjson', serializeAuditExport('ndjson', chain));
    expect(result.out).toBe(`valid: 2 entries, head hash ${chain[1].hash}\n`);
  });

  it('names the seq of an edited entry and exits 1', () => {
    const chain = buildChain(6);
    const lines = serializeAuditExport('ndjson', chain).split('\n');
    lines[3] = lines[3].replace('"outcome":"DENIED"', '"outcome":"SUCCESS"');
    const result = runRecipe('edited.ndjson', lines.join('\n'));
    expect(result.out).toBe('invalid: seq 4: hash does not match the entry content (edited)\n');
    expect(result.status).toBe(1);
  });

  it('names an edit inside the awkward details of a JSON export', () => {
    const chain = buildChain(3);
    const text = serializeAuditExport('json', chain).replace('"z":1', '"z":2');
    expect(runRecipe('edited.json', text).out).toMatch(/^invalid: seq 2: hash does not match/);
  });

  it('names the seq after a deleted entry', () => {
    const chain = buildChain(5);
    chain.splice(2, 1);
    const result = runRecipe('deleted.ndjson', serializeAuditExport('ndjson', chain));
    expect(result.out).toBe(
      'invalid: seq 4: expected seq 3 (an entry removed, or a filtered export: the chain can only be checked on a full export)\n',
    );
    expect(result.status).toBe(1);
  });

  it('refuses a line that repeats a key, which json.loads alone would read as the last one', () => {
    const chain = buildChain(4);
    const lines = serializeAuditExport('ndjson', chain).split('\n');
    // A reason naming a limb hidden in front of the real one: the hash still matches the last.
    lines[3] = lines[3].replace('"reason":null', '"reason":"cells LEFT","reason":null');
    const result = runRecipe('duplicate.ndjson', lines.join('\n'));
    expect(result.out).toBe('invalid: duplicate key "reason"\n');
    expect(result.status).toBe(1);
  });

  it('refuses a repeated key inside a JSON array element', () => {
    const text = serializeAuditExport('json', buildChain(3)).replace('"seq":2', '"seq":2,"seq":2');
    const result = runRecipe('duplicate.json', text);
    expect(result.out).toBe('invalid: duplicate key "seq"\n');
    expect(result.status).toBe(1);
  });

  it('refuses an entry with a field the format does not have', () => {
    const chain = buildChain(3);
    const lines = serializeAuditExport('ndjson', chain).split('\n');
    lines[1] = lines[1].replace('{"seq":2', '{"note":"LEFT","seq":2');
    const result = runRecipe('unknown.ndjson', lines.join('\n'));
    expect(result.out).toBe("invalid: not an entry: unknown or missing fields ['note']\n");
    expect(result.status).toBe(1);
  });

  it('refuses a checkpoint line with an extra field', () => {
    const chain = buildChain(2);
    const line = ndjsonCheckpointLine(checkpointOf(chain)).replace(
      '{"checkpoint":{',
      '{"checkpoint":{"x":1,',
    );
    const result = runRecipe(
      'checkpoint-extra.ndjson',
      serializeAuditExport('ndjson', chain) + line,
    );
    expect(result.out).toMatch(/^invalid: not an entry/);
    expect(result.status).toBe(1);
  });

  it('catches a tail cut off under the checkpoint line', () => {
    const chain = buildChain(6);
    const text =
      serializeAuditExport('ndjson', chain.slice(0, 4)) + ndjsonCheckpointLine(checkpointOf(chain));
    const result = runRecipe('cut.ndjson', text);
    expect(result.out).toBe('invalid: seq 5: the checkpoint covers 6 entries, the file 4\n');
    expect(result.status).toBe(1);
  });

  it('accepts a checkpoint line older than the last entries when the hash at its seq matches', () => {
    const chain = buildChain(6);
    const text =
      serializeAuditExport('ndjson', chain) + ndjsonCheckpointLine(checkpointOf(chain.slice(0, 4)));
    const result = runRecipe('older.ndjson', text);
    expect(result.out).toMatch(/^checkpoint of 4 entries matches/);
    expect(result.status).toBe(0);
  });

  describe('with CSV exports and saved checkpoints', () => {
    const header = (checkpoint: AuditCheckpoint) =>
      `X-Audit-Checkpoint: ${Buffer.from(JSON.stringify(checkpoint)).toString('base64')}\r\n`;

    /** The chain of buildChain, with the values CSV must carry exactly: "" and null, formulas. */
    function csvChain(count: number): ChainedAuditEntry[] {
      const entries: ChainedAuditEntry[] = [];
      let prev = GENESIS_HASH;
      for (const entry of buildChain(count)) {
        const odd = entry.seq % 2 === 1;
        const fields: AuditFields = {
          ...entry,
          reason: entry.seq === 3 ? entry.reason : odd ? '' : "=1+1;@x\n-y\r+z\t'q",
          ip: odd ? null : '',
          details: entry.seq === 2 ? entry.details : { formula: 'a;=b', quote: '"=', n: entry.seq },
        };
        const chained = chainEntry(prev, fields);
        entries.push(chained);
        prev = chained.hash;
      }
      return entries;
    }

    it('finds a CSV export valid: RFC 4180, "" versus null, formula escapes, awkward details', () => {
      const chain = csvChain(6);
      const text = serializeAuditExport('csv', chain);
      expect(text).toContain(`"'=1+1;'@x\n'-y\r'+z\t''q"`);
      expect(text).toMatch(/,"",/);
      const result = runRecipe('export.csv', text);
      expect(result.err).toBe('');
      expect(result.out).toBe(`valid: 6 entries, head hash ${chain[5].hash}\n`);
      expect(result.status).toBe(0);
      expect(runRecipe('bom.csv', `\uFEFF${text}`).status).toBe(0);
    });

    it('checks a CSV export against its saved X-Audit-Checkpoint header', () => {
      const chain = csvChain(5);
      const text = serializeAuditExport('csv', chain);
      const saved = join(dir, 'export.csv.checkpoint');
      writeFileSync(saved, header(checkpointOf(chain)));
      const result = runRecipe('checked.csv', text, '--checkpoint', saved);
      expect(result.out).toBe(
        'checkpoint of 5 entries matches (its signature is not checked here)\n' +
          `valid: 5 entries, head hash ${chain[4].hash}\n`,
      );
      const rows = text.split('\r\n');
      const cut = runRecipe(
        'cut.csv',
        `${rows.slice(0, 4).join('\r\n')}\r\n`,
        '--checkpoint',
        saved,
      );
      expect(cut.out).toBe('invalid: seq 4: the checkpoint covers 5 entries, the file 3\n');
      expect(cut.status).toBe(1);
    });

    it('names the seq of an edited CSV field, and of an empty string saved as null', () => {
      const text = serializeAuditExport('csv', csvChain(4));
      const edited = runRecipe('edited.csv', text.replace('"P-2"', '"P-7"'));
      expect(edited.out).toBe('invalid: seq 2: hash does not match the entry content (edited)\n');
      const rows = text.split('\r\n');
      rows[1] = rows[1].replace(',"",', ',,');
      const nulled = runRecipe('nulled.csv', rows.join('\r\n'));
      expect(nulled.out).toBe('invalid: seq 1: hash does not match the entry content (edited)\n');
    });

    it('refuses a CSV file cut inside a record, re-saved with LF, joined twice or with a column more', () => {
      const text = serializeAuditExport('csv', csvChain(3));
      const refused = (name: string, content: string) => {
        const result = runRecipe(name, content);
        expect(result.status).toBe(1);
        return result.out;
      };
      expect(refused('cut.csv', text.slice(0, -30))).toMatch(
        /^invalid: record 4: not CSV as the export writes it/,
      );
      expect(refused('lf.csv', text.replace(/\r\n/g, '\n'))).toMatch(
        /^invalid: not a CSV audit export/,
      );
      expect(refused('joined.csv', text + text)).toMatch(/^invalid: record 5: not CSV/);
      const rows = text.split('\r\n');
      rows[2] += ',"LEFT"';
      expect(refused('extra.csv', rows.join('\r\n'))).toBe(
        'invalid: record 3: 14 fields, the header has 13\n',
      );
    });

    it('takes a saved checkpoint for JSON and NDJSON too: a body, a checkpoint line or a header', () => {
      const chain = buildChain(6);
      const body = join(dir, 'checkpoint.json');
      writeFileSync(body, JSON.stringify(checkpointOf(chain)));
      const json = runRecipe(
        'short.json',
        serializeAuditExport('json', chain.slice(0, 5)),
        '--checkpoint',
        body,
      );
      expect(json.out).toBe('invalid: seq 6: the checkpoint covers 6 entries, the file 5\n');
      const line = join(dir, 'checkpoint.ndjson');
      writeFileSync(line, ndjsonCheckpointLine(checkpointOf(chain.slice(0, 4))));
      const ndjson = runRecipe(
        'export.ndjson',
        serializeAuditExport('ndjson', chain),
        '--checkpoint',
        line,
      );
      expect(ndjson.out).toMatch(/^checkpoint of 4 entries matches/);
      expect(ndjson.status).toBe(0);
      const saved = join(dir, 'header.txt');
      writeFileSync(saved, header({ ...checkpointOf(chain), headHash: 'f'.repeat(64) }));
      const rewritten = runRecipe(
        'export.json',
        serializeAuditExport('json', chain),
        '--checkpoint',
        saved,
      );
      expect(rewritten.out).toBe('invalid: seq 6: the hash at seq 6 differs from the checkpoint\n');
    });

    it('says a checkpoint taken before the export is older than it by the export’s own record', () => {
      const chain = buildChain(4);
      const record = chainEntry(chain[3].hash, {
        ...chain[3],
        seq: 5,
        action: 'AUDIT_EXPORTED',
        details: { format: 'csv', filter: {} },
      });
      const saved = join(dir, 'before.json');
      writeFileSync(saved, JSON.stringify(checkpointOf(chain)));
      const result = runRecipe(
        'stale.csv',
        serializeAuditExport('csv', [...chain, record]),
        '--checkpoint',
        saved,
      );
      expect(result.out).toBe(
        'checkpoint of 4 entries matches (its signature is not checked here)\n' +
          'this checkpoint is older than the export: 1 entry was added by the export itself\n' +
          `valid: 5 entries, head hash ${record.hash}\n`,
      );
    });

    it('refuses a checkpoint file that is no checkpoint', () => {
      const saved = join(dir, 'junk.txt');
      writeFileSync(saved, 'X-Audit-Checkpoint: not*base64');
      const result = runRecipe(
        'any.ndjson',
        serializeAuditExport('ndjson', buildChain(1)),
        '--checkpoint',
        saved,
      );
      expect(result.out).toMatch(/^invalid: /);
      expect(result.status).toBe(1);
    });
  });
});

(hasPython && hasOpenssl ? describe : describe.skip)(
  'the OpenSSL checkpoint recipe of docs/audit-format.md',
  () => {
    function runRecipe(checkpoint: object | string) {
      const work = mkdtempSync(join(dir, 'openssl-'));
      const saved = typeof checkpoint === 'string' ? checkpoint : JSON.stringify(checkpoint);
      writeFileSync(join(work, 'checkpoint.json'), saved);
      const result = spawnSync('sh', ['-c', recipe('verify_checkpoint.sh')], {
        cwd: work,
        encoding: 'utf8',
      });
      return { status: result.status, out: result.stdout + result.stderr };
    }

    it('verifies a checkpoint body, and a saved NDJSON checkpoint line', () => {
      const checkpoint = checkpointOf(buildChain(3));
      expect(runRecipe(checkpoint)).toMatchObject({
        status: 0,
        out: expect.stringContaining('Signature Verified Successfully') as unknown,
      });
      expect(runRecipe(JSON.parse(ndjsonCheckpointLine(checkpoint)) as object).status).toBe(0);
    });

    it('verifies a saved X-Audit-Checkpoint header, as it came', () => {
      const checkpoint = checkpointOf(buildChain(3));
      const header = Buffer.from(JSON.stringify(checkpoint)).toString('base64');
      expect(runRecipe(`X-Audit-Checkpoint: ${header}\r\n`)).toMatchObject({
        status: 0,
        out: expect.stringContaining('Signature Verified Successfully') as unknown,
      });
      expect(runRecipe(header).status).toBe(0);
    });

    it('refuses a checkpoint altered after signing', () => {
      const altered = { ...checkpointOf(buildChain(3)), entries: 2 };
      const result = runRecipe(altered);
      expect(result.status).not.toBe(0);
      expect(result.out).toMatch(/Signature Verification Failure/);
    });
  },
);
