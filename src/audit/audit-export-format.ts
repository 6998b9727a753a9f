import { canonicalJson } from '../crypto/canonical-json';
import { ChainedAuditEntry } from './audit-chain';
import { AuditCheckpoint } from './audit-checkpoint';

/**
 * Serializers for audit log exports (docs/audit-format.md, "Export formats"). Pure and piecewise:
 * a writer returns the text to send before, between and after batches of entries, so the server
 * can stream a log of any length with one batch in memory.
 */
export type AuditExportFormat = 'json' | 'csv' | 'ndjson';

/**
 * An entry to export: either parsed, or as stored, with `roles` and `details` already in their
 * canonical JSON text (the server streams stored rows without parsing and re-encoding them).
 */
export type ExportableAuditEntry = Omit<ChainedAuditEntry, 'roles' | 'details'> & {
  roles: ChainedAuditEntry['roles'] | string;
  details: ChainedAuditEntry['details'] | string;
};

/** The canonical JSON of roles or details: stored text as it is, parsed values encoded. */
function canonicalText(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value);
}

export const AUDIT_EXPORT_FORMATS: readonly AuditExportFormat[] = ['json', 'csv', 'ndjson'];

export function isAuditExportFormat(value: unknown): value is AuditExportFormat {
  return typeof value === 'string' && (AUDIT_EXPORT_FORMATS as readonly string[]).includes(value);
}

/** The fields of an entry in the order of SPEC section 6; also the CSV header. */
export const AUDIT_ENTRY_FIELDS = [
  'seq',
  'at',
  'actor',
  'roles',
  'action',
  'participantId',
  'outcome',
  'reason',
  'details',
  'ip',
  'requestId',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof ChainedAuditEntry)[];

export function auditExportContentType(format: AuditExportFormat): string {
  switch (format) {
    case 'json':
      return 'application/json; charset=utf-8';
    case 'ndjson':
      return 'application/x-ndjson; charset=utf-8';
    case 'csv':
      return 'text/csv; charset=utf-8; header=present';
  }
}

/**
 * `audit-log[-<trial>]-<yyyymmddThhmmssZ>.<format>`: sortable, and free of the characters
 * (':' above all) that some file systems and browsers refuse in a download name.
 */
export function auditExportFilename(format: AuditExportFormat, at: string, trial?: string): string {
  const stamp = at.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  const safeTrial = trial?.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `audit-log${safeTrial ? `-${safeTrial}` : ''}-${stamp}.${format}`;
}

/**
 * One entry as a JSON object on one line, fields in the SPEC order (easier to read than sorted
 * keys) and only those fields, values in canonical JSON. Fields that are not part of an entry
 * (a database row's extras) are left out, since they would not be covered by the hash.
 */
export function auditEntryJson(entry: ExportableAuditEntry): string {
  const members = AUDIT_ENTRY_FIELDS.map((field) => {
    const value =
      field === 'roles' || field === 'details'
        ? canonicalText(entry[field])
        : canonicalJson(entry[field]);
    return `${JSON.stringify(field)}:${value}`;
  });
  return `{${members.join(',')}}`;
}

/** The line the server appends to an NDJSON export: `{"checkpoint":{…}}` in canonical JSON. */
export function ndjsonCheckpointLine(checkpoint: AuditCheckpoint): string {
  return `${canonicalJson({
    checkpoint: {
      entries: checkpoint.entries,
      headHash: checkpoint.headHash,
      at: checkpoint.at,
      signature: checkpoint.signature,
      publicKey: checkpoint.publicKey,
    },
  })}\n`;
}

/**
 * Formula escaping (docs/audit-format.md, "CSV"; OWASP "CSV injection"). A spreadsheet runs a cell
 * that begins with `= + - @`, a tab or a CR. A cell begins at the start of a value, but also after
 * a `;` (the list separator of Spanish Excel), a tab, or a line break inside a value, when the file
 * is opened with another delimiter than `,`; and a `"` or `'` there would change how the rest is
 * read. Each such position that holds one of these characters gets one `'` in front. Escaping
 * `'` itself keeps the rule exactly reversible: drop one `'` at each of those positions.
 */
const FORMULA_AT_CELL_START = /(?<=^|[;\t\r\n])(?=['"=+\-@\t\r])/g;
// In the escaped text the character before an added quote is still the original one.
const ESCAPE_AT_CELL_START = /(?<=^|[;\t\r\n])'/g;

const CELL_BREAK = /[;\t\r\n]/;
const FORMULA_CHARACTER = /['"=+\-@]/;

export function escapeCsvFormula(text: string): string {
  // Fast path (most cells of an export): with no cell break inside, only the first character
  // can start a cell; the lookbehind scan of the whole text is needed only otherwise.
  if (!CELL_BREAK.test(text)) return FORMULA_CHARACTER.test(text.charAt(0)) ? `'${text}` : text;
  return text.replace(FORMULA_AT_CELL_START, "'");
}

/** The inverse of escapeCsvFormula, for a verifier reading a CSV export. */
export function unescapeCsvFormula(text: string): string {
  return text.replace(ESCAPE_AT_CELL_START, '');
}

/**
 * One CSV field (RFC 4180): every string is formula-escaped, then quoted (quotes doubled), so
 * no delimiter inside it splits it for a reader that honours quotes. null is the one empty
 * unquoted field, so null and '' stay distinct; it holds nothing a spreadsheet could run.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const escaped = escapeCsvFormula(value);
  return `"${escaped.includes('"') ? escaped.replace(/"/g, '""') : escaped}"`;
}

function csvValue(
  entry: ExportableAuditEntry,
  field: (typeof AUDIT_ENTRY_FIELDS)[number],
): string | null {
  switch (field) {
    case 'seq':
      return String(entry.seq);
    case 'roles':
      // JSON rather than ';'-joined: exact, and the same text as the database column.
      return canonicalText(entry.roles);
    case 'details':
      return canonicalText(entry.details);
    default:
      return entry[field];
  }
}

/** One CSV record, without its line break. */
export function auditEntryCsvRow(entry: ExportableAuditEntry): string {
  return AUDIT_ENTRY_FIELDS.map((field) => csvField(csvValue(entry, field))).join(',');
}

export const AUDIT_CSV_HEADER = AUDIT_ENTRY_FIELDS.join(',');

/**
 * A streaming writer for one export: `start()`, then `write(batch)` for each batch in seq order,
 * then `end()`; concatenated, the pieces form the whole file. Stateful only in whether an entry
 * has been written yet (JSON needs commas between entries, not before the first).
 */
export interface AuditExportWriter {
  readonly format: AuditExportFormat;
  readonly contentType: string;
  start(): string;
  write(entries: readonly ExportableAuditEntry[]): string;
  end(): string;
}

export function createAuditExportWriter(format: AuditExportFormat): AuditExportWriter {
  const contentType = auditExportContentType(format);
  switch (format) {
    case 'json': {
      let written = 0;
      return {
        format,
        contentType,
        // One entry per line inside the array: still one JSON value, and diff- and grep-friendly.
        start: () => '[',
        write: (entries) =>
          entries
            .map((entry) => `${written++ === 0 ? '\n' : ',\n'}${auditEntryJson(entry)}`)
            .join(''),
        end: () => (written === 0 ? ']\n' : '\n]\n'),
      };
    }
    case 'ndjson':
      return {
        format,
        contentType,
        start: () => '',
        write: (entries) => entries.map((entry) => `${auditEntryJson(entry)}\n`).join(''),
        end: () => '',
      };
    case 'csv':
      return {
        format,
        contentType,
        start: () => `${AUDIT_CSV_HEADER}\r\n`,
        write: (entries) => entries.map((entry) => `${auditEntryCsvRow(entry)}\r\n`).join(''),
        end: () => '',
      };
  }
}

/** The whole export at once; for small logs and tests. */
export function serializeAuditExport(
  format: AuditExportFormat,
  entries: readonly ChainedAuditEntry[],
): string {
  const writer = createAuditExportWriter(format);
  return writer.start() + writer.write(entries) + writer.end();
}
