import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AuditFields,
  ChainedAuditEntry,
  chainEntry,
  GENESIS_HASH,
  verifyChain,
} from './audit-chain';
import { AuditCheckpoint } from './audit-checkpoint';
import { AUDIT_CSV_HEADER, serializeAuditExport } from './audit-export-format';
import {
  AuditExportItem,
  AuditExportReadError,
  detectAuditExportFormat,
  MAX_AUDIT_ENTRY_BYTES,
  parseCheckpointDocument,
  readAuditExport,
  readCsv,
} from './audit-export-reader';
import { CsvRecordSplitter } from './csv-records';

/** Values that trouble a CSV reader: each is written by the real serializer and must come back. */
const AWKWARD: Partial<AuditFields>[] = [
  { reason: 'a, b, "c" and ""' },
  { reason: 'two\r\nlines\nand a bare\rCR' },
  { reason: '' }, // the empty string, not null
  { reason: null, ip: null, requestId: '', participantId: null },
  { reason: '=1+1', actor: '+cmd', requestId: '-1', ip: '@sum' },
  { reason: "'quoted already", details: { x: "'", y: "''", z: "x'" } },
  { reason: 'x;=1+1;\t@x\n-y\r+z', details: { formula: 'a;=b\t+c\n@d', quote: 'a;"b' } },
  { reason: "\t'\t=", details: { start: '"=', tab: '\t' } },
  { reason: ' =not a formula: it starts with a space', details: { s: ';;;' } },
  { reason: 'Señal ✓ 😀', details: { ñ: 'ü', nested: [{ a: [1, 2.5, null, true] }] } },
];

function buildChain(count: number): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = chainEntry(prev, {
      seq,
      at: new Date(Date.UTC(2025, 0, 1, 9, 0, seq)).toISOString(),
      actor: 'monitor1',
      roles: ['monitor', 'admin'],
      action: 'AUDIT_VERIFIED',
      participantId: `P-${seq}`,
      outcome: 'SUCCESS',
      reason: null,
      details: { slot: seq },
      ip: '10.0.0.7',
      requestId: `req-${seq}`,
      ...AWKWARD[(seq - 1) % AWKWARD.length],
    });
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

async function collect(items: AsyncIterable<AuditExportItem>): Promise<AuditExportItem[]> {
  const out: AuditExportItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const entriesOf = (items: AuditExportItem[]) =>
  items.flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));

const csv = (chunks: string[]) => collect(readCsv(Readable.from(chunks)));

async function readError(text: string): Promise<AuditExportReadError> {
  try {
    await csv([text]);
  } catch (error) {
    if (error instanceof AuditExportReadError) return error;
    throw error;
  }
  throw new Error('expected a read error');
}

describe(readCsv.name, () => {
  const chain = buildChain(AWKWARD.length);
  const text = serializeAuditExport('csv', chain);

  it('gives back exactly the entries the export wrote: quotes, commas, line breaks, formula escapes', async () => {
    const entries = entriesOf(await csv([text]));
    expect(entries).toEqual(chain);
    expect(verifyChain(entries)).toMatchObject({ valid: true, entries: chain.length });
  });

  it('tells an empty string ("") from null (an empty unquoted field)', async () => {
    const [, , third, fourth] = entriesOf(await csv([text]));
    expect(third.reason).toBe('');
    expect(fourth).toMatchObject({ reason: null, ip: null, participantId: null, requestId: '' });
    expect(text.split('\r\n')[4]).toMatch(/,"",/);
  });

  it('undoes the formula escaping the export applies, and only that', async () => {
    expect(text).toContain(`"'=1+1"`);
    expect(text).toContain(`"x;'=1+1;'\t'@x\n'-y\r'+z"`);
    const entries = entriesOf(await csv([text]));
    expect(entries[4]).toMatchObject({
      reason: '=1+1',
      actor: '+cmd',
      requestId: '-1',
      ip: '@sum',
    });
    expect(entries[5].details).toEqual({ x: "'", y: "''", z: "x'" });
    expect(entries[7].reason).toBe("\t'\t=");
    expect(entries[8].reason).toBe(' =not a formula: it starts with a space');
  });

  it('gives the same entries whatever the chunking, one character at a time included', async () => {
    const entries = entriesOf(await csv(text.split('')));
    expect(entries).toEqual(chain);
  });

  it('names the line each record starts on, counting line breaks inside values', async () => {
    const lines = (await csv([text])).map((item) => item.line);
    expect(lines.slice(0, 3)).toEqual([2, 3, 6]);
  });

  it('tolerates a byte order mark (the export writes none; an editor may add one)', async () => {
    expect(entriesOf(await csv([`\uFEFF${text}`]))).toEqual(chain);
  });

  it('reads a header alone as an empty log, and refuses an empty file', async () => {
    expect(await csv([`${AUDIT_CSV_HEADER}\r\n`])).toEqual([]);
    expect((await readError('')).message).toMatch(/empty: a CSV export always has its header/);
  });

  it('refuses records ended by LF alone (line endings converted), naming the line', async () => {
    const error = await readError(text.replace(/\r\n/g, '\n'));
    expect(error.message).toMatch(
      /^line 1: a line ends with LF alone: .*verify the file as it was downloaded/,
    );
  });

  it('refuses a CR without LF outside quotes', async () => {
    expect((await readError(`${AUDIT_CSV_HEADER}\r`)).message).toMatch(/cut short|CR without LF/);
    expect((await readError(`${AUDIT_CSV_HEADER}\rx`)).message).toMatch(/line 1: a CR without LF/);
  });

  it('refuses an unquoted value, which the export never writes (a spreadsheet re-saved it?)', async () => {
    const edited = text.replace(`,"monitor1",`, ',monitor1,');
    expect((await readError(edited)).message).toMatch(
      /^line 2: an unquoted value: the export writes every value but null in quotes/,
    );
  });

  it('refuses text after a closing quote', async () => {
    const edited = text.replace(`,"monitor1",`, ',"monitor1"x,');
    expect((await readError(edited)).message).toMatch(
      /^line 2: text after a closing quote \("x"\)/,
    );
  });

  it('refuses a file cut inside a record: inside a quoted value, or before its CRLF', async () => {
    const cutInside = text.slice(0, text.indexOf('req-2') + 2);
    expect((await readError(cutInside)).message).toMatch(
      /^line 3: the file ends inside a quoted value/,
    );
    expect((await readError(text.slice(0, -2))).message).toMatch(
      /does not end with CRLF \(the file was cut short\?\)/,
    );
    const cutAfterField = text.slice(0, text.lastIndexOf(',"') + 1);
    expect((await readError(cutAfterField)).message).toMatch(/does not end with CRLF/);
  });

  it('refuses a repeated header row (two exports joined)', async () => {
    const joined = text + text;
    expect((await readError(joined)).message).toMatch(/header row is repeated/);
  });

  it('refuses a record with an extra column, or one missing', async () => {
    const rows = text.split('\r\n');
    const extra = [rows[0], `${rows[1]},"LEFT"`, ''].join('\r\n');
    expect((await readError(extra)).message).toMatch(
      /^line 2: the record has 14 fields, the header 13/,
    );
    const fewer = [rows[0], rows[1].slice(0, rows[1].lastIndexOf(',')), ''].join('\r\n');
    expect((await readError(fewer)).message).toMatch(/the record has 12 fields/);
  });

  it('refuses a header with an unknown, a missing or a misplaced column', async () => {
    const extra = await readError(`${AUDIT_CSV_HEADER},limb\r\n`);
    expect(extra.message).toMatch(/^line 1: not the header .*unknown column "limb"/);
    const missing = await readError(`${AUDIT_CSV_HEADER.replace(',reason', '')}\r\n`);
    expect(missing.message).toMatch(/missing column "reason"/);
    const swapped = await readError(`${AUDIT_CSV_HEADER.replace('seq,at', 'at,seq')}\r\n`);
    expect(swapped.message).toMatch(/columns in another order/);
  });

  it('refuses null where an entry never has one, and a seq that is not a plain integer', async () => {
    const rows = text.split('\r\n');
    const nullActor = rows[1].replace(',"monitor1",', ',,');
    expect((await readError([rows[0], nullActor, ''].join('\r\n'))).message).toMatch(
      /line 2: malformed entry: "actor" is null/,
    );
    for (const seq of ['"01"', '"1.0"', '"-1"', '" 1"']) {
      const bad = [rows[0], rows[1].replace(/^"1"/, seq), ''].join('\r\n');
      expect((await readError(bad)).message).toMatch(/"seq" must be an integer/);
    }
  });

  it('refuses roles or details that are not JSON, or that repeat a key', async () => {
    const rows = text.split('\r\n');
    const badRoles = rows[1].replace('"[""monitor"",""admin""]"', '"monitor;admin"');
    expect((await readError([rows[0], badRoles, ''].join('\r\n'))).message).toMatch(
      /line 2: the "roles" value is not valid JSON/,
    );
    const duplicate = rows[1].replace('"{""slot"":1}"', '"{""slot"":1,""slot"":2}"');
    expect(duplicate).not.toBe(rows[1]);
    expect((await readError([rows[0], duplicate, ''].join('\r\n'))).message).toMatch(
      /line 2: the "details" value .*duplicate key "slot"/,
    );
  });

  it('refuses a record longer than any entry', async () => {
    const long = `${AUDIT_CSV_HEADER}\r\n"${'x'.repeat(MAX_AUDIT_ENTRY_BYTES + 1)}"\r\n`;
    expect((await readError(long)).message).toMatch(/^line 2: the record is longer than/);
  });
});

describe(CsvRecordSplitter.name, () => {
  it('splits RFC 4180 records: doubled quotes, empty strings, nulls, line breaks in quotes', () => {
    const splitter = new CsvRecordSplitter(1000);
    const records = splitter.push('"a""b","",,"x\r\ny"\r\n,\r\n');
    splitter.finish();
    expect(records).toEqual([
      { fields: ['a"b', '', null, 'x\r\ny'], line: 1, unquoted: false },
      { fields: [null, null], line: 3, unquoted: false },
    ]);
    expect(new CsvRecordSplitter(100).push('seq,"at"\r\n')).toEqual([
      { fields: ['seq', 'at'], line: 1, unquoted: true },
    ]);
  });
});

describe('CSV files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-csv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are detected by their header, whatever their name', async () => {
    const path = join(dir, 'export.txt');
    writeFileSync(path, serializeAuditExport('csv', buildChain(3)));
    expect(await detectAuditExportFormat(path)).toBe('csv');
    expect(entriesOf(await collect(readAuditExport(path)))).toHaveLength(3);
  });

  it('are detected by their extension when the content says nothing (an empty file)', async () => {
    const path = join(dir, 'empty.csv');
    writeFileSync(path, '');
    expect(await detectAuditExportFormat(path)).toBe('csv');
    writeFileSync(join(dir, 'empty.ndjson'), '');
    expect(await detectAuditExportFormat(join(dir, 'empty.ndjson'))).toBe('ndjson');
  });

  it('are read as CSV when the format is given, whatever the content', async () => {
    const path = join(dir, 'named.json');
    writeFileSync(path, '[]\n');
    await expect(collect(readAuditExport(path, 'csv'))).rejects.toThrow(
      /line 1: a line ends with LF alone/,
    );
  });
});

describe('a checkpoint saved from the X-Audit-Checkpoint header', () => {
  const checkpoint: AuditCheckpoint = {
    entries: 3,
    headHash: 'ab'.repeat(32),
    at: '2025-03-01T12:00:00.000Z',
    signature: 'c2ln',
    publicKey: 'a2V5',
  };
  // The controller sends base64 of JSON.stringify(checkpoint).
  const header = Buffer.from(JSON.stringify(checkpoint)).toString('base64');

  it('is read as the header value, or as the header line with its name', () => {
    expect(parseCheckpointDocument(`${header}\n`)).toEqual(checkpoint);
    expect(parseCheckpointDocument(`X-Audit-Checkpoint: ${header}\r\n`)).toEqual(checkpoint);
    expect(parseCheckpointDocument(`x-audit-checkpoint:${header}`)).toEqual(checkpoint);
  });

  it('refuses base64 with junk in it, rather than skip the junk', () => {
    expect(() => parseCheckpointDocument(`${header.slice(0, 8)}!${header.slice(8)}`)).toThrow(
      /neither JSON nor the base64/,
    );
  });
});
