import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AuditFields, ChainedAuditEntry, chainEntry, GENESIS_HASH } from './audit-chain';
import { AuditCheckpoint } from './audit-checkpoint';
import { auditEntryJson, ndjsonCheckpointLine, serializeAuditExport } from './audit-export-format';
import {
  AuditExportItem,
  AuditExportReadError,
  detectAuditExportFormat,
  JsonArraySplitter,
  parseAuditEntry,
  parseCheckpointDocument,
  readAuditExport,
  readJsonArray,
  readNdjson,
} from './audit-export-reader';

function buildChain(count: number, overrides: Partial<AuditFields> = {}): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = chainEntry(prev, {
      seq,
      at: '2025-01-01T09:00:00.000Z',
      actor: 'monitor1',
      roles: ['monitor'],
      action: 'AUDIT_VERIFIED',
      participantId: null,
      outcome: 'SUCCESS',
      reason: null,
      // Brackets, commas, braces and escaped quotes inside strings, to trouble a naive splitter.
      details: { note: `],[{"}\\ ${seq}`, nested: { list: [1, [2, { three: 3 }]] }, ñ: '✓' },
      ip: null,
      requestId: null,
      ...overrides,
    });
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

const CHECKPOINT: AuditCheckpoint = {
  entries: 3,
  headHash: 'ab'.repeat(32),
  at: '2025-03-01T12:00:00.000Z',
  signature: 'c2ln',
  publicKey: 'a2V5',
};

async function collect(items: AsyncIterable<AuditExportItem>): Promise<AuditExportItem[]> {
  const out: AuditExportItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function entriesOf(items: AuditExportItem[]): ChainedAuditEntry[] {
  return items.flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));
}

async function readError(items: AsyncIterable<AuditExportItem>): Promise<AuditExportReadError> {
  try {
    await collect(items);
  } catch (error) {
    if (error instanceof AuditExportReadError) return error;
    throw error;
  }
  throw new Error('expected an AuditExportReadError');
}

const ndjson = (text: string) => readNdjson(Readable.from([text]));
const jsonArray = (chunks: string[]) => readJsonArray(Readable.from(chunks));

describe(parseAuditEntry.name, () => {
  const [entry] = buildChain(1);

  it('accepts an entry as the server writes it', () => {
    expect(parseAuditEntry(JSON.parse(auditEntryJson(entry)))).toEqual(entry);
  });

  it.each([
    ['a missing field', { ...entry, hash: undefined }, /missing field "hash"/],
    [
      'an unknown field, which the hash would not cover',
      { ...entry, limb: 'LEFT' },
      /unknown field "limb"/,
    ],
    ['a seq that is a string', { ...entry, seq: '1' }, /"seq" must be an integer/],
    ['a seq of zero', { ...entry, seq: 0 }, /"seq" must be an integer of at least 1/],
    ['roles that are not strings', { ...entry, roles: [1] }, /"roles"/],
    ['details that are an array', { ...entry, details: [] }, /"details" must be a JSON object/],
    ['an unknown outcome', { ...entry, outcome: 'MAYBE' }, /"outcome" must be one of/],
    [
      'a number where a string or null belongs',
      { ...entry, reason: 5 },
      /"reason" must be a string or null/,
    ],
    ['a value that is not an object', [entry], /must be a JSON object/],
  ])('refuses %s, naming the field', (_what, value, message) => {
    const parsed: unknown = JSON.parse(JSON.stringify(value));
    expect(() => parseAuditEntry(parsed)).toThrow(message);
  });
});

describe(readNdjson.name, () => {
  it('reads back the entries of an NDJSON export, with their line numbers', async () => {
    const chain = buildChain(4);
    const items = await collect(ndjson(serializeAuditExport('ndjson', chain)));
    expect(entriesOf(items)).toEqual(chain);
    expect(items.map((item) => item.line)).toEqual([1, 2, 3, 4]);
  });

  it('reads the trailing checkpoint line as a checkpoint', async () => {
    const chain = buildChain(3);
    const text = serializeAuditExport('ndjson', chain) + ndjsonCheckpointLine(CHECKPOINT);
    const items = await collect(ndjson(text));
    expect(items[3]).toEqual({ kind: 'checkpoint', checkpoint: CHECKPOINT, line: 4 });
    expect(entriesOf(items)).toEqual(chain);
  });

  it('tolerates CRLF line ends, blank lines and a byte order mark', async () => {
    const chain = buildChain(2);
    const text = `\uFEFF${auditEntryJson(chain[0])}\r\n\r\n${auditEntryJson(chain[1])}\r\n`;
    expect(entriesOf(await collect(ndjson(text)))).toEqual(chain);
  });

  it('refuses an entry after the checkpoint line, which would be outside what it signs', async () => {
    const chain = buildChain(2);
    const text =
      auditEntryJson(chain[0]) + '\n' + ndjsonCheckpointLine(CHECKPOINT) + auditEntryJson(chain[1]);
    const error = await readError(ndjson(text));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/nothing may follow the checkpoint line \(line 2\)/);
  });

  it('refuses a line that is not JSON, naming the line', async () => {
    const chain = buildChain(2);
    const text = `${auditEntryJson(chain[0])}\n${auditEntryJson(chain[1]).slice(0, 40)}\n`;
    const error = await readError(ndjson(text));
    expect(error.message).toMatch(/^line 2: the line is not valid JSON/);
  });

  it('refuses a malformed entry, naming the line and the field', async () => {
    const [entry] = buildChain(1);
    const error = await readError(ndjson(JSON.stringify({ ...entry, seq: 'one' })));
    expect(error.message).toMatch(/^line 1: malformed entry: "seq" must be an integer/);
  });

  it('refuses a malformed checkpoint line', async () => {
    const text = JSON.stringify({ checkpoint: { ...CHECKPOINT, entries: -1 } });
    expect((await readError(ndjson(text))).message).toMatch(/malformed checkpoint: "entries"/);
  });

  it('reads an empty file as an empty log', async () => {
    expect(await collect(ndjson(''))).toEqual([]);
  });
});

describe(readJsonArray.name, () => {
  it('reads back the entries of a JSON export', async () => {
    const chain = buildChain(5);
    expect(entriesOf(await collect(jsonArray([serializeAuditExport('json', chain)])))).toEqual(
      chain,
    );
  });

  it('gives the same entries whatever the chunking, one character at a time included', async () => {
    const chain = buildChain(3);
    const text = serializeAuditExport('json', chain);
    expect(entriesOf(await collect(jsonArray([...text])))).toEqual(chain);
    expect(entriesOf(await collect(jsonArray([text.slice(0, 77), text.slice(77)])))).toEqual(chain);
  });

  it('reads an array formatted by another tool, with the line each entry starts on', async () => {
    const chain = buildChain(2);
    const text = JSON.stringify(chain, null, 2);
    const items = await collect(jsonArray([text]));
    expect(entriesOf(items)).toEqual(chain);
    const objectStarts = text
      .split('\n')
      .flatMap((line, index) => (line === '  {' ? [index + 1] : []));
    expect(items.map((item) => item.line)).toEqual(objectStarts);
  });

  it('reads an empty array as an empty log', async () => {
    expect(await collect(jsonArray(['[ ]\n']))).toEqual([]);
  });

  it.each([
    ['an object instead of an array', '{"seq":1}', /line 1: a JSON export must be an array/],
    ['an empty file', '', /the file is empty/],
    [
      'an array cut short',
      `[\n${auditEntryJson(buildChain(1)[0])},\n{"seq"`,
      /line 3: the array is not closed/,
    ],
    ['a trailing comma', `[${'{}'},\n]`, /line 2: a comma before "\]"/],
    ['text after the array', '[]\n[]', /line 2: text after the end of the array/],
    ['an element that is not JSON', '[\n{seq:1}]', /line 2: the array element is not valid JSON/],
    ['an element that is not an entry', '[\n1]', /line 2: malformed entry/],
  ])('refuses %s with a clear message', async (_what, text, message) => {
    expect((await readError(jsonArray([text]))).message).toMatch(message);
  });
});

describe(JsonArraySplitter.name, () => {
  it('keeps only the current element, not the elements already returned', () => {
    const splitter = new JsonArraySplitter();
    expect(splitter.push('[{"a":"x,]"},')).toEqual([{ text: '{"a":"x,]"}', line: 1 }]);
    expect(splitter.push('{"b":')).toEqual([]);
    expect(splitter.push('[1]}]')).toEqual([{ text: '{"b":[1]}', line: 1 }]);
    expect(() => splitter.finish()).not.toThrow();
  });
});

describe(readAuditExport.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-reader-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detects and reads a JSON export from a file', async () => {
    const chain = buildChain(3);
    const path = join(dir, 'export.json');
    writeFileSync(path, `\n  ${serializeAuditExport('json', chain)}`);
    expect(await detectAuditExportFormat(path)).toBe('json');
    expect(entriesOf(await collect(readAuditExport(path)))).toEqual(chain);
  });

  it('detects and reads an NDJSON export with its checkpoint from a file', async () => {
    const chain = buildChain(1200); // several read chunks
    const path = join(dir, 'export.ndjson');
    writeFileSync(path, serializeAuditExport('ndjson', chain) + ndjsonCheckpointLine(CHECKPOINT));
    expect(await detectAuditExportFormat(path)).toBe('ndjson');
    const items = await collect(readAuditExport(path));
    expect(entriesOf(items)).toEqual(chain);
    expect(items.at(-1)?.kind).toBe('checkpoint');
  });

  it('reads a large JSON export through several chunks of the file stream', async () => {
    const chain = buildChain(1200);
    const path = join(dir, 'large.json');
    writeFileSync(path, serializeAuditExport('json', chain));
    expect(entriesOf(await collect(readAuditExport(path)))).toEqual(chain);
  });

  it('reports a missing file as a read error', async () => {
    const error = await readError(readAuditExport(join(dir, 'nope.ndjson')));
    expect(error.message).toMatch(/cannot read .*nope\.ndjson/);
  });
});

describe(parseCheckpointDocument.name, () => {
  it('reads the body of GET /api/audit-log/checkpoint', () => {
    expect(parseCheckpointDocument(JSON.stringify(CHECKPOINT))).toEqual(CHECKPOINT);
  });

  it('reads a saved NDJSON checkpoint line', () => {
    expect(parseCheckpointDocument(ndjsonCheckpointLine(CHECKPOINT))).toEqual(CHECKPOINT);
  });

  it('refuses text that is not a checkpoint, saying why', () => {
    expect(() => parseCheckpointDocument('nope')).toThrow(/not valid JSON/);
    expect(() => parseCheckpointDocument('{"entries":1}')).toThrow(/missing field "headHash"/);
  });
});
