/**
 * An RFC 4180 record splitter held to the exact form of the audit CSV export
 * (docs/audit-format.md, "CSV"), for text that arrives in chunks: memory stays at one record.
 *
 * A field is either quoted (`"…"`, a `"` inside doubled), which gives a string, the empty string
 * included, or empty and unquoted, which gives null. Records end with CRLF. Whatever the export
 * never writes is refused rather than guessed at, because each of these is the mark of a file
 * rewritten by another program, which may have changed values too (a spreadsheet saving `""` as
 * an empty field turns an empty string into null, and the hash then fails for no visible reason):
 * a line ending in LF or CR alone, text after a closing quote. A non-empty unquoted value (the
 * header row is written so) is read, and its record marked, for the caller to judge.
 */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line of the file where the problem is. */
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** One record: its fields (null for an empty unquoted field) and the line it starts on. */
export interface CsvRecord {
  fields: (string | null)[];
  line: number;
  /** Whether a non-empty field was unquoted (only the header row is written so). */
  unquoted: boolean;
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'afterQuote' | 'afterCr';

export const REWRITTEN_HINT =
  'the export writes every value but null in quotes and ends each record with CRLF; this file ' +
  'was changed by another program (a spreadsheet, an editor, git), which may have changed values ' +
  'too: verify the file as it was downloaded';

export class CsvRecordSplitter {
  private state: State = 'fieldStart';
  private fields: (string | null)[] = [];
  private field = '';
  private line = 1;
  private recordLine = 1;
  private recordLength = 0;
  private atStart = true;
  private unquoted = false;

  /** @param maxRecordLength the longest record read, in characters. */
  constructor(private readonly maxRecordLength: number) {}

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (this.atStart && text.length > 0) {
      // No byte order mark is written, but one added by an editor changes no value.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStart = false;
    }
    let i = 0;
    while (i < text.length) {
      if (this.state === 'quoted') {
        // The bulk of an export is quoted text: copy it up to the next quote in one step.
        const quote = text.indexOf('"', i);
        const end = quote < 0 ? text.length : quote;
        this.append(text.slice(i, end));
        i = end;
        if (quote >= 0) {
          this.state = 'afterQuote';
          i += 1;
        }
        continue;
      }
      const c = text[i];
      i += 1;
      this.count(1);
      switch (this.state) {
        case 'fieldStart':
          if (c === '"') this.state = 'quoted';
          else if (c === ',') this.fields.push(null);
          else if (c === '\r') {
            this.fields.push(null);
            this.state = 'afterCr';
          } else if (c === '\n') throw this.unexpected(c, 'a line break');
          else {
            this.field = c;
            this.unquoted = true;
            this.state = 'unquoted';
          }
          break;
        case 'unquoted':
          if (c === ',') {
            this.endField();
            this.state = 'fieldStart';
          } else if (c === '\r') {
            this.endField();
            this.state = 'afterCr';
          } else if (c === '"' || c === '\n')
            throw this.unexpected(c, 'a quote inside an unquoted value');
          else this.field += c;
          break;
        case 'afterQuote':
          if (c === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (c === ',') {
            this.endField();
            this.state = 'fieldStart';
          } else if (c === '\r') {
            this.endField();
            this.state = 'afterCr';
          } else throw this.unexpected(c, 'text after a closing quote');
          break;
        case 'afterCr':
          if (c !== '\n') throw new CsvSyntaxError(`a CR without LF: ${REWRITTEN_HINT}`, this.line);
          out.push({ fields: this.fields, line: this.recordLine, unquoted: this.unquoted });
          this.unquoted = false;
          this.fields = [];
          this.line += 1;
          this.recordLine = this.line;
          this.recordLength = 0;
          this.state = 'fieldStart';
          break;
      }
    }
    return out;
  }

  /** Throws unless the text ended exactly at the end of a record. */
  finish(): void {
    if (this.state === 'fieldStart' && this.fields.length === 0) return;
    throw new CsvSyntaxError(
      this.state === 'quoted'
        ? 'the file ends inside a quoted value (it was cut short?)'
        : 'the last record does not end with CRLF (the file was cut short?)',
      this.recordLine,
    );
  }

  private unexpected(c: string, what: string): CsvSyntaxError {
    if (c === '\n')
      return new CsvSyntaxError(`a line ends with LF alone: ${REWRITTEN_HINT}`, this.line);
    return new CsvSyntaxError(`${what} (${JSON.stringify(c)}): ${REWRITTEN_HINT}`, this.line);
  }

  private append(text: string): void {
    this.field += text;
    this.count(text.length);
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.line += 1;
  }

  private count(length: number): void {
    this.recordLength += length;
    if (this.recordLength > this.maxRecordLength) {
      throw new CsvSyntaxError(
        `the record is longer than ${this.maxRecordLength} characters (no audit entry is)`,
        this.recordLine,
      );
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
  }
}
