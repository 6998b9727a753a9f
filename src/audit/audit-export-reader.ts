import { FileHandle } from 'node:fs/promises';
import { InputFileError, openRegularFile } from '../common/regular-file';
import { parseStrictJson } from '../common/strict-json';
import { AuditOutcome, ChainedAuditEntry } from './audit-chain';
import { AuditCheckpoint } from './audit-checkpoint';
import { AUDIT_ENTRY_FIELDS } from './audit-export-format';

/**
 * Reads an exported audit log (JSON array or NDJSON, docs/audit-format.md) back into entries,
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
 * A checkpoint file as a sponsor keeps it: the body of GET /api/audit-log/checkpoint, or the
 * `{"checkpoint": {…}}` line of an NDJSON export saved on its own.
 */
export function parseCheckpointDocument(text: string): AuditCheckpoint {
  let value: unknown;
  try {
    value = parseStrictJson(stripBom(text));
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

export type AuditExportFileFormat = 'json' | 'ndjson';

/**
 * A JSON array export starts with '['; anything else (an NDJSON line starts with '{') is read as
 * NDJSON. An empty file is an NDJSON export of an empty log.
 */
export async function detectAuditExportFormat(path: string): Promise<AuditExportFileFormat> {
  const handle = await openForReading(path);
  try {
    return await detectFormatOf(handle);
  } finally {
    await handle.close();
  }
}

async function detectFormatOf(handle: FileHandle): Promise<AuditExportFileFormat> {
  const buffer = Buffer.alloc(4096);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return 'ndjson';
    position += bytesRead;
    const text = stripBom(buffer.subarray(0, bytesRead).toString('utf8')).trimStart();
    if (text.length > 0) return text.startsWith('[') ? 'json' : 'ndjson';
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

/** Entries in file order, then (NDJSON only) the trailing checkpoint if there is one. */
export async function* readAuditExport(
  path: string,
  format?: AuditExportFileFormat,
): AsyncGenerator<AuditExportItem> {
  const handle = await openForReading(path);
  try {
    const chosen = format ?? (await detectFormatOf(handle));
    const stream = handle.createReadStream({ encoding: 'utf8', start: 0, autoClose: false });
    try {
      yield* chosen === 'json' ? readJsonArray(stream) : readNdjson(stream);
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
