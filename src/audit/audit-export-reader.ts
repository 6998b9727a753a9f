import { FileHandle } from 'node:fs/promises';
import { InputFileError, openRegularFile } from '../common/regular-file';
import { parseStrictJson } from '../common/strict-json';
import { decodeStrictBase64 } from '../crypto/ed25519';
import { AuditOutcome, ChainedAuditEntry } from './audit-chain';
import { AuditCheckpoint } from './audit-checkpoint';
import { AUDIT_ENTRY_FIELDS, unescapeCsvFormula } from './audit-export-format';
import { CsvRecord, CsvRecordSplitter, CsvSyntaxError, REWRITTEN_HINT } from './csv-records';

/**
 * Reads an exported audit log (JSON array, NDJSON or CSV, docs/audit-format.md) back into entries,
 * one at a time, so a file of any size is checked with a few entries in memory. It judges only
 * the shape of the file; whether the chain holds is ChainVerifier's job.
 */
export class AuditExportReadError extends Error {
  constructor(
    message: string,
    /** 1-based line of the file where the problem starts, when known. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'AuditExportReadError';
  }
}

/**
 * The longest line (NDJSON) or array element (JSON) read: far above any real entry, whose details
 * are a few fields, and low enough that a file without line breaks cannot exhaust memory.
 */
export const MAX_AUDIT_ENTRY_BYTES = 1024 * 1024;

export type AuditExportItem =
  | { kind: 'entry'; entry: ChainedAuditEntry; line: number }
  | { kind: 'checkpoint'; checkpoint: AuditCheckpoint; line: number };

const OUTCOMES: readonly AuditOutcome[] = ['SUCCESS', 'DENIED', 'REJECTED', 'ERROR'];
const CHECKPOINT_FIELDS = ['entries', 'headHash', 'at', 'signature', 'publicKey'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Exactly these keys: an extra field would be content that the hash does not cover. */
function checkKeys(record: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    if (!(field in record)) throw new Error(`missing field "${field}"`);
  }
  for (const key of Object.keys(record)) {
    if (!fields.includes(key)) throw new Error(`unknown field "${key}"`);
  }
}

function stringField(record: Record<string, unknown>, field: string): string {
  const value = record[field];
  if (typeof value !== 'string') throw new Error(`"${field}" must be a string`);
  return value;
}

function nullableStringField(record: Record<string, unknown>, field: string): string | null {
  const value = record[field];
  if (value !== null && typeof value !== 'string') {
    throw new Error(`"${field}" must be a string or null`);
  }
  return value;
}

function integerField(record: Record<string, unknown>, field: string, min: number): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`"${field}" must be an integer of at least ${min}`);
  }
  return value;
}

/** Checks that a parsed JSON value has the shape of an entry; throws an Error naming the field. */
export function parseAuditEntry(value: unknown): ChainedAuditEntry {
  if (!isRecord(value)) throw new Error('an entry must be a JSON object');
  checkKeys(value, AUDIT_ENTRY_FIELDS);
  const { roles, details, outcome } = value;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new Error('"roles" must be an array of strings');
  }
  if (!isRecord(details)) throw new Error('"details" must be a JSON object');
  if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new Error(`"outcome" must be one of ${OUTCOMES.join(', ')}`);
  }
  return {
    seq: integerField(value, 'seq', 1),
    at: stringField(value, 'at'),
    actor: stringField(value, 'actor'),
    roles,
    action: stringField(value, 'action'),
    participantId: nullableStringField(value, 'participantId'),
    outcome: outcome as AuditOutcome,
    reason: nullableStringField(value, 'reason'),
    details,
    ip: nullableStringField(value, 'ip'),
    requestId: nullableStringField(value, 'requestId'),
    prevHash: stringField(value, 'prevHash'),
    hash: stringField(value, 'hash'),
  };
}

/** Checks the shape of a checkpoint (not its signature: see verifyCheckpoint). */
export function parseAuditCheckpoint(value: unknown): AuditCheckpoint {
  if (!isRecord(value)) throw new Error('a checkpoint must be a JSON object');
  checkKeys(value, CHECKPOINT_FIELDS);
  return {
    entries: integerField(value, 'entries', 0),
    headHash: stringField(value, 'headHash'),
    at: stringField(value, 'at'),
    signature: stringField(value, 'signature'),
    publicKey: stringField(value, 'publicKey'),
  };
}

/**
 * A checkpoint file as a sponsor keeps it: the body of GET /api/audit-log/checkpoint, the
 * `{"checkpoint": {…}}` line of an NDJSON export saved on its own, or the `X-Audit-Checkpoint`
 * header of an export as it came (base64 of the checkpoint's JSON, with or without the header's
 * name in front), which is how the checkpoint of a JSON or CSV export is saved beside it.
 */
export function parseCheckpointDocument(text: string): AuditCheckpoint {
  const trimmed = stripBom(text).trim();
  let json = trimmed;
  if (!trimmed.startsWith('{')) {
    const base64 = trimmed.replace(/^x-audit-checkpoint[ \t]*:[ \t]*/i, '');
    try {
      json = decodeStrictBase64(base64).toString('utf8');
    } catch {
      throw new AuditExportReadError(
        'the checkpoint is neither JSON nor the base64 of an X-Audit-Checkpoint header',
      );
    }
  }
  let value: unknown;
  try {
    value = parseStrictJson(json);
  } catch (error) {
    throw new AuditExportReadError(
      `the checkpoint is not valid JSON (${(error as Error).message})`,
    );
  }
  const inner = isRecord(value) && Object.keys(value).length === 1 ? value.checkpoint : undefined;
  try {
    return parseAuditCheckpoint(inner ?? value);
  } catch (error) {
    throw new AuditExportReadError(`not a checkpoint: ${(error as Error).message}`);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string, line: number, what: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (error) {
    throw new AuditExportReadError(`${what} is not valid JSON (${(error as Error).message})`, line);
  }
}

function toEntry(value: unknown, line: number): ChainedAuditEntry {
  try {
    return parseAuditEntry(value);
  } catch (error) {
    throw new AuditExportReadError(`malformed entry: ${(error as Error).message}`, line);
  }
}

export type AuditExportFileFormat = 'json' | 'ndjson' | 'csv';

export const AUDIT_EXPORT_FILE_FORMATS: readonly AuditExportFileFormat[] = [
  'json',
  'ndjson',
  'csv',
];

/** The format a file name promises (`.json`, `.ndjson` or `.jsonl`, `.csv`), if any. */
export function auditExportFormatOfName(path: string): AuditExportFileFormat | undefined {
  const extension = /\.([A-Za-z]+)$/.exec(path)?.[1].toLowerCase();
  switch (extension) {
    case 'json':
      return 'json';
    case 'ndjson':
    case 'jsonl':
      return 'ndjson';
    case 'csv':
      return 'csv';
    default:
      return undefined;
  }
}

/**
 * The format of a file, from its first characters: '[' a JSON array, '{' NDJSON, the CSV
 * header's `seq,` CSV. Content that says nothing (an empty file) goes by the file's extension,
 * and without one is NDJSON: the NDJSON export of an empty log is an empty file.
 */
export async function detectAuditExportFormat(path: string): Promise<AuditExportFileFormat> {
  const handle = await openForReading(path);
  try {
    return await detectFormatOf(handle, path);
  } finally {
    await handle.close();
  }
}

async function detectFormatOf(handle: FileHandle, path: string): Promise<AuditExportFileFormat> {
  const buffer = Buffer.alloc(4096);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return auditExportFormatOfName(path) ?? 'ndjson';
    position += bytesRead;
    const text = stripBom(buffer.subarray(0, bytesRead).toString('utf8')).trimStart();
    if (text.length === 0) continue;
    if (text.startsWith('[')) return 'json';
    if (text.startsWith('{')) return 'ndjson';
    if (/^"?seq"?(,|$)/.test(text)) return 'csv';
    return auditExportFormatOfName(path) ?? 'ndjson';
  }
}

/** Only a regular file is read (not a link to /dev/zero, a pipe or a directory). */
async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await openRegularFile(path);
  } catch (error) {
    if (error instanceof InputFileError) throw new AuditExportReadError(error.message);
    throw error;
  }
}

/**
 * Entries in file order, then (NDJSON only) the trailing checkpoint if there is one. Without
 * `format`, the format is detected as detectAuditExportFormat does.
 */
export async function* readAuditExport(
  path: string,
  format?: AuditExportFileFormat,
): AsyncGenerator<AuditExportItem> {
  const handle = await openForReading(path);
  try {
    const chosen = format ?? (await detectFormatOf(handle, path));
    const stream = handle.createReadStream({ encoding: 'utf8', start: 0, autoClose: false });
    try {
      if (chosen === 'json') yield* readJsonArray(stream);
      else if (chosen === 'csv') yield* readCsv(stream);
      else yield* readNdjson(stream);
    } catch (error) {
      if (error instanceof AuditExportReadError) throw error;
      throw new AuditExportReadError(`cannot read ${path}: ${(error as Error).message}`);
    } finally {
      stream.destroy();
    }
  } finally {
    await handle.close();
  }
}

/** Splits text into lines as it streams in, refusing a line longer than MAX_AUDIT_ENTRY_BYTES. */
async function* boundedLines(input: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let pending = '';
  let lineNumber = 1;
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString();
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield pending + text.slice(start, end);
      pending = '';
      lineNumber += 1;
      start = end + 1;
    }
    pending += text.slice(start);
    if (pending.length > MAX_AUDIT_ENTRY_BYTES) {
      throw new AuditExportReadError(
        `the line is longer than ${MAX_AUDIT_ENTRY_BYTES} characters (no audit entry is)`,
        lineNumber,
      );
    }
  }
  if (pending !== '') yield pending;
}

/**
 * NDJSON: one entry per line; blank lines are skipped; an optional last line
 * `{"checkpoint": {…}}` carries the server's signed checkpoint, and nothing may follow it.
 */
export async function* readNdjson(
  input: AsyncIterable<string | Buffer>,
): AsyncGenerator<AuditExportItem> {
  const lines = boundedLines(input);
  let lineNumber = 0;
  let checkpointLine: number | undefined;
  for await (const raw of lines) {
    lineNumber += 1;
    const text = (lineNumber === 1 ? stripBom(raw) : raw).trim();
    if (text === '') continue;
    if (checkpointLine !== undefined) {
      throw new AuditExportReadError(
        `nothing may follow the checkpoint line (line ${checkpointLine})`,
        lineNumber,
      );
    }
    const value = parseJson(text, lineNumber, 'the line');
    if (isRecord(value) && 'checkpoint' in value) {
      if (Object.keys(value).length !== 1) {
        throw new AuditExportReadError('a checkpoint line holds only "checkpoint"', lineNumber);
      }
      try {
        const checkpoint = parseAuditCheckpoint(value.checkpoint);
        checkpointLine = lineNumber;
        yield { kind: 'checkpoint', checkpoint, line: lineNumber } satisfies AuditExportItem;
      } catch (error) {
        throw new AuditExportReadError(
          `malformed checkpoint: ${(error as Error).message}`,
          lineNumber,
        );
      }
      continue;
    }
    yield {
      kind: 'entry',
      entry: toEntry(value, lineNumber),
      line: lineNumber,
    } satisfies AuditExportItem;
  }
}

/** A JSON array, split into its elements as the text streams in (see JsonArraySplitter). */
export async function* readJsonArray(
  input: AsyncIterable<string | Buffer>,
): AsyncGenerator<AuditExportItem> {
  const splitter = new JsonArraySplitter();
  for await (const chunk of input) {
    for (const element of splitter.push(typeof chunk === 'string' ? chunk : chunk.toString())) {
      const value = parseJson(element.text, element.line, 'the array element');
      yield {
        kind: 'entry',
        entry: toEntry(value, element.line),
        line: element.line,
      } satisfies AuditExportItem;
    }
  }
  splitter.finish();
}

type SplitterState = 'before' | 'firstValueOrEnd' | 'value' | 'inValue' | 'done';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * Finds the top-level elements of a JSON array in text that arrives in chunks, tracking only
 * strings and bracket depth; each element is then parsed on its own with JSON.parse. This keeps
 * memory to one element however long the array, where JSON.parse of the whole file would need
 * the whole file (and a JavaScript string cannot exceed about 512 MiB).
 */
export class JsonArraySplitter {
  private state: SplitterState = 'before';
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private valueLine = 1;
  private atStart = true;

  push(chunk: string): { text: string; line: number }[] {
    const out: { text: string; line: number }[] = [];
    let text = chunk;
    if (this.atStart) {
      text = stripBom(text);
      this.atStart = text.length === 0;
    }
    let start = this.state === 'inValue' ? 0 : -1;
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i];
      if (this.state === 'inValue') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') this.inString = false;
          else if (c === '\n') this.line += 1;
          continue;
        }
        if (c === '"') this.inString = true;
        else if (c === '{' || c === '[') this.depth += 1;
        else if ((c === '}' || c === ']') && this.depth > 0) this.depth -= 1;
        else if (this.depth === 0 && (c === ',' || c === ']')) {
          out.push({ text: this.pending + text.slice(start, i), line: this.valueLine });
          this.pending = '';
          this.state = c === ',' ? 'value' : 'done';
        } else if (c === '\n') this.line += 1;
        continue;
      }
      if (WHITESPACE.has(c)) {
        if (c === '\n') this.line += 1;
        continue;
      }
      switch (this.state) {
        case 'before':
          if (c !== '[')
            throw new AuditExportReadError('a JSON export must be an array', this.line);
          this.state = 'firstValueOrEnd';
          break;
        case 'firstValueOrEnd':
        case 'value':
          if (c === ']') {
            if (this.state === 'value') {
              throw new AuditExportReadError('a comma before "]" (an empty element)', this.line);
            }
            this.state = 'done';
            break;
          }
          if (c === ',') throw new AuditExportReadError('an empty element', this.line);
          this.state = 'inValue';
          this.valueLine = this.line;
          start = i;
          i -= 1; // let the value's first character be read as part of the value
          break;
        case 'done':
          throw new AuditExportReadError('text after the end of the array', this.line);
      }
    }
    if (this.state === 'inValue') {
      this.pending += text.slice(start);
      if (this.pending.length > MAX_AUDIT_ENTRY_BYTES) {
        throw new AuditExportReadError(
          `an array element is longer than ${MAX_AUDIT_ENTRY_BYTES} characters (no audit entry is)`,
          this.valueLine,
        );
      }
    }
    return out;
  }

  /** Throws unless the array was closed. */
  finish(): void {
    if (this.state !== 'done') {
      throw new AuditExportReadError(
        this.state === 'before'
          ? 'the file is empty'
          : 'the array is not closed (the file was cut short?)',
        this.line,
      );
    }
  }
}

/** The fields CSV may leave null (an empty unquoted field): those that are null in an entry. */
const CSV_NULLABLE = new Set<string>(['participantId', 'reason', 'ip', 'requestId']);

/**
 * CSV (docs/audit-format.md, "CSV"): the header row, then one record per entry. Each value is
 * unquoted (RFC 4180, see CsvRecordSplitter), then its formula escaping is undone, then `seq`,
 * `roles` and `details` are parsed back (an integer, a JSON array, a JSON object); the entry then
 * holds exactly the values that were hashed, so the chain is checked as for the other formats.
 */
export async function* readCsv(
  input: AsyncIterable<string | Buffer>,
): AsyncGenerator<AuditExportItem> {
  const splitter = new CsvRecordSplitter(MAX_AUDIT_ENTRY_BYTES);
  let header: CsvRecord | undefined;
  try {
    for await (const chunk of input) {
      for (const record of splitter.push(typeof chunk === 'string' ? chunk : chunk.toString())) {
        if (header === undefined) {
          checkCsvHeader(record);
          header = record;
          continue;
        }
        yield {
          kind: 'entry',
          entry: csvEntry(record),
          line: record.line,
        } satisfies AuditExportItem;
      }
    }
    splitter.finish();
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new AuditExportReadError(error.message, error.line);
    throw error;
  }
  if (header === undefined) {
    throw new AuditExportReadError('the file is empty: a CSV export always has its header row', 1);
  }
}

const CSV_HEADER_TEXT = AUDIT_ENTRY_FIELDS.join(',');

function isHeaderRecord(fields: readonly (string | null)[]): boolean {
  return (
    fields.length === AUDIT_ENTRY_FIELDS.length &&
    fields.every((f, i) => f === AUDIT_ENTRY_FIELDS[i])
  );
}

function checkCsvHeader(record: CsvRecord): void {
  if (isHeaderRecord(record.fields)) return;
  const names = record.fields.map((field) => field ?? '');
  const extra = names.filter((name) => !(AUDIT_ENTRY_FIELDS as readonly string[]).includes(name));
  const missing = AUDIT_ENTRY_FIELDS.filter((field) => !names.includes(field));
  const why = [
    ...(extra.length > 0
      ? [`unknown column ${extra.map((n) => JSON.stringify(n)).join(', ')}`]
      : []),
    ...(missing.length > 0
      ? [`missing column ${missing.map((n) => JSON.stringify(n)).join(', ')}`]
      : []),
  ];
  throw new AuditExportReadError(
    `not the header of an audit CSV export (${why.length > 0 ? why.join('; ') : 'columns in another order'}); ` +
      `it must be ${CSV_HEADER_TEXT}`,
    record.line,
  );
}

function csvEntry(record: CsvRecord): ChainedAuditEntry {
  const { fields, line } = record;
  // The header never appears inside an export: two files were joined into one.
  if (isHeaderRecord(fields)) {
    throw new AuditExportReadError(
      'the header row is repeated (two exports joined into one file?)',
      line,
    );
  }
  if (record.unquoted) {
    throw new AuditExportReadError(`an unquoted value: ${REWRITTEN_HINT}`, line);
  }
  if (fields.length !== AUDIT_ENTRY_FIELDS.length) {
    throw new AuditExportReadError(
      `the record has ${fields.length} fields, the header ${AUDIT_ENTRY_FIELDS.length}`,
      line,
    );
  }
  const value: Record<string, unknown> = {};
  AUDIT_ENTRY_FIELDS.forEach((field, index) => {
    const raw = fields[index];
    if (raw === null) {
      if (!CSV_NULLABLE.has(field)) {
        throw new AuditExportReadError(
          `malformed entry: "${field}" is null (an empty unquoted field), and it never is`,
          line,
        );
      }
      value[field] = null;
      return;
    }
    const text = unescapeCsvFormula(raw);
    switch (field) {
      case 'seq':
        if (!/^[1-9][0-9]*$/.test(text)) {
          throw new AuditExportReadError(
            'malformed entry: "seq" must be an integer of at least 1',
            line,
          );
        }
        value.seq = Number(text);
        break;
      case 'roles':
      case 'details':
        value[field] = parseJson(text, line, `the "${field}" value`);
        break;
      default:
        value[field] = text;
    }
  });
  return toEntry(value, line);
}
