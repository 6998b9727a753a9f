import {
  AuditFields,
  ChainedAuditEntry,
  chainEntry,
  GENESIS_HASH,
  verifyChain,
} from './audit-chain';
import { AuditCheckpoint } from './audit-checkpoint';
import {
  AUDIT_CSV_HEADER,
  AUDIT_ENTRY_FIELDS,
  auditEntryCsvRow,
  auditEntryJson,
  auditExportContentType,
  auditExportFilename,
  createAuditExportWriter,
  csvField,
  escapeCsvFormula,
  isAuditExportFormat,
  ndjsonCheckpointLine,
  serializeAuditExport,
  unescapeCsvFormula,
} from './audit-export-format';

function buildChain(list: Partial<AuditFields>[]): ChainedAuditEntry[] {
  let prev = GENESIS_HASH;
  return list.map((overrides, index) => {
    const entry = chainEntry(prev, {
      seq: index + 1,
      at: `2025-01-01T09:00:0${index % 10}.000Z`,
      actor: 'monitor1',
      roles: ['monitor'],
      action: 'AUDIT_VERIFIED',
      participantId: null,
      outcome: 'SUCCESS',
      reason: null,
      details: {},
      ip: '127.0.0.1',
      requestId: `r${index + 1}`,
      ...overrides,
    });
    prev = entry.hash;
    return entry;
  });
}

/** Awkward but legal content: everything a CSV or a spreadsheet could trip over. */
const AWKWARD = buildChain([
  {},
  { reason: '=HYPERLINK("http://evil","click")', actor: '+44 trick', participantId: '-1' },
  { reason: '@SUM(A1)', details: { note: 'comma, "quote"\nnew line', n: 1.5, ñ: 'Señal ✓' } },
  { reason: '\tleading tab', requestId: '\rleading CR' },
  { reason: "'already quoted", actor: '', participantId: "'=both" },
  { roles: ['pharmacist', 'investigator'], reason: 'plain, with comma' },
  { reason: 'x;=1+1;', details: { requestedParticipantId: 'x;=1+1;', q: 'a;"=2' } },
  { reason: "a\t+1;'b\n-2;\t\t@3\r\n=4", requestId: ';;' },
]);

/** A minimal RFC 4180 reader, as a verifier of a CSV export would write it. */
function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let end = i + 1;
      let out = '';
      for (;;) {
        const next = text.indexOf('"', end);
        out += text.slice(end, next);
        if (text[next + 1] === '"') {
          out += '"';
          end = next + 2;
        } else {
          i = next + 1;
          break;
        }
      }
      value = out;
    } else {
      const match = /[,\r]/.exec(text.slice(i));
      const end = match ? i + match.index : text.length;
      value = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(value);
    if (text[i] === ',') i += 1;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    }
  }
  return records;
}

function entryFromCsv(header: (string | null)[], row: (string | null)[]): ChainedAuditEntry {
  const cell = (name: string) => {
    const value = row[header.indexOf(name)];
    return value === null ? null : unescapeCsvFormula(value);
  };
  return {
    seq: Number(cell('seq')),
    at: cell('at')!,
    actor: cell('actor')!,
    roles: JSON.parse(cell('roles')!) as string[],
    action: cell('action')!,
    participantId: cell('participantId'),
    outcome: cell('outcome') as ChainedAuditEntry['outcome'],
    reason: cell('reason'),
    details: JSON.parse(cell('details')!) as ChainedAuditEntry['details'],
    ip: cell('ip'),
    requestId: cell('requestId'),
    prevHash: cell('prevHash')!,
    hash: cell('hash')!,
  };
}

describe(isAuditExportFormat.name, () => {
  it('accepts exactly json, csv and ndjson', () => {
    expect(['json', 'csv', 'ndjson'].every(isAuditExportFormat)).toBe(true);
    expect(['JSON', 'xml', '', undefined, 1].some(isAuditExportFormat)).toBe(false);
  });
});

describe(auditExportContentType.name, () => {
  it('gives a UTF-8 media type per format', () => {
    expect(auditExportContentType('json')).toBe('application/json; charset=utf-8');
    expect(auditExportContentType('ndjson')).toBe('application/x-ndjson; charset=utf-8');
    expect(auditExportContentType('csv')).toBe('text/csv; charset=utf-8; header=present');
  });
});

describe(auditExportFilename.name, () => {
  it('names the file by time and format, without colons', () => {
    expect(auditExportFilename('ndjson', '2025-03-01T12:34:56.789Z')).toBe(
      'audit-log-20250301T123456Z.ndjson',
    );
  });

  it('includes the trial id, made safe for a file name', () => {
    expect(auditExportFilename('csv', '2025-03-01T12:34:56.789Z', 'NCT0228/6011 x')).toBe(
      'audit-log-NCT0228_6011_x-20250301T123456Z.csv',
    );
  });
});

describe(auditEntryJson.name, () => {
  it('writes the fields in SPEC order on one line, with canonical details', () => {
    const [entry] = buildChain([{ details: { b: 2, a: { d: 1, c: [1, 'x'] } } }]);
    const text = auditEntryJson(entry);
    expect(text).not.toMatch(/\n/);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([...AUDIT_ENTRY_FIELDS]);
    expect(text).toContain('"details":{"a":{"c":[1,"x"],"d":1},"b":2}');
    expect(JSON.parse(text)).toEqual(entry);
  });

  it('leaves out properties that are not entry fields, as they are not hashed', () => {
    const [entry] = buildChain([{}]);
    const row = { ...entry, internalId: 7 } as ChainedAuditEntry;
    expect(JSON.parse(auditEntryJson(row))).toEqual(entry);
  });
});

describe(createAuditExportWriter.name, () => {
  function streamed(format: 'json' | 'ndjson' | 'csv', batches: ChainedAuditEntry[][]): string {
    const writer = createAuditExportWriter(format);
    return writer.start() + batches.map((batch) => writer.write(batch)).join('') + writer.end();
  }

  it.each(['json', 'ndjson', 'csv'] as const)(
    'writes the same %s file whatever the batch sizes, empty batches included',
    (format) => {
      const whole = serializeAuditExport(format, AWKWARD);
      expect(
        streamed(format, [AWKWARD.slice(0, 1), [], AWKWARD.slice(1, 4), AWKWARD.slice(4)]),
      ).toBe(whole);
      expect(
        streamed(
          format,
          AWKWARD.map((entry) => [entry]),
        ),
      ).toBe(whole);
    },
  );

  it('writes JSON as one array of the entries, one entry per line', () => {
    const text = serializeAuditExport('json', AWKWARD);
    expect(text.startsWith('[\n{"seq":1,')).toBe(true);
    expect(text.endsWith('}\n]\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(AWKWARD.length + 3);
    expect(JSON.parse(text)).toEqual(AWKWARD);
  });

  it('writes an empty JSON export as an empty array', () => {
    expect(serializeAuditExport('json', [])).toBe('[]\n');
    expect(JSON.parse(serializeAuditExport('json', []))).toEqual([]);
  });

  it('writes NDJSON as one entry per line, each line its own JSON value', () => {
    const text = serializeAuditExport('ndjson', AWKWARD);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(AWKWARD);
    expect(serializeAuditExport('ndjson', [])).toBe('');
  });

  it('reports the content type of its format', () => {
    expect(createAuditExportWriter('csv').contentType).toMatch(/^text\/csv/);
  });
});

describe(ndjsonCheckpointLine.name, () => {
  it('is one line holding the checkpoint under the key "checkpoint", canonical JSON', () => {
    const checkpoint: AuditCheckpoint = {
      entries: 3,
      headHash: 'ab'.repeat(32),
      at: '2025-03-01T12:00:00.000Z',
      signature: 'c2lnbmF0dXJl',
      publicKey: 'a2V5',
    };
    expect(ndjsonCheckpointLine(checkpoint)).toBe(
      '{"checkpoint":{"at":"2025-03-01T12:00:00.000Z","entries":3,' +
        `"headHash":"${'ab'.repeat(32)}","publicKey":"a2V5","signature":"c2lnbmF0dXJl"}}\n`,
    );
  });
});

describe(escapeCsvFormula.name, () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'quoted"])(
    'prefixes a single quote to %j, and unescaping gives it back',
    (text) => {
      expect(escapeCsvFormula(text)).toBe(`'${text}`);
      expect(unescapeCsvFormula(escapeCsvFormula(text))).toBe(text);
    },
  );

  it.each([
    ['x;=1+1;', "x;'=1+1;"],
    ['a;"=1', 'a;\'"=1'],
    ['\t\t', "'\t'\t"],
    ["\t'\t=", "'\t''\t'="],
    ['one\n-two\r\n@three', "one\n'-two\r\n'@three"],
    [";'", ";''"],
  ])('escapes every cell start in %j (after ; tab CR LF), reversibly', (text, escaped) => {
    expect(escapeCsvFormula(text)).toBe(escaped);
    expect(unescapeCsvFormula(escaped)).toBe(text);
  });

  it('is undone exactly by unescaping, for every string of up to 5 awkward characters', () => {
    const alphabet = ["'", '"', '=', '+', '-', '@', '\t', '\r', '\n', ';', ',', 'a'];
    let texts = [''];
    const failures: string[] = [];
    for (let length = 1; length <= 5; length += 1) {
      texts = texts.flatMap((text) => alphabet.map((c) => text + c));
      for (const text of texts) {
        if (unescapeCsvFormula(escapeCsvFormula(text)) !== text) failures.push(text);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(['plain', '1+1', 'a=b', '', ' =1', '{"a":1}', '["monitor"]', 'a; =1', 'a,=1'])(
    'leaves %j alone, and unescaping gives it back',
    (text) => {
      expect(escapeCsvFormula(text)).toBe(text);
      expect(unescapeCsvFormula(escapeCsvFormula(text))).toBe(text);
    },
  );
});

describe(csvField.name, () => {
  it('writes null as an empty field and the empty string as ""', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
  });

  it('quotes every string field, doubling quotes (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('x\ry')).toBe('"x\ry"');
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('12')).toBe('"12"');
  });

  it('escapes a formula before quoting', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });
});

describe(auditEntryCsvRow.name, () => {
  it('writes roles and details as canonical JSON', () => {
    const [entry] = buildChain([
      { roles: ['pharmacist', 'investigator'], details: { b: 1, a: 2 } },
    ]);
    const row = auditEntryCsvRow(entry);
    expect(row).toContain('"[""pharmacist"",""investigator""]"');
    expect(row).toContain('"{""a"":2,""b"":1}"');
  });

  it('starts with the header of the 13 documented columns', () => {
    expect(AUDIT_CSV_HEADER).toBe(
      'seq,at,actor,roles,action,participantId,outcome,reason,details,ip,requestId,prevHash,hash',
    );
    expect(serializeAuditExport('csv', []).split('\r\n')[0]).toBe(AUDIT_CSV_HEADER);
  });

  it('leaves no cell that a spreadsheet would run as a formula', () => {
    const records = parseCsv(serializeAuditExport('csv', AWKWARD));
    for (const record of records) {
      for (const cell of record) expect(cell ?? '').not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('can be read back, unescaped, into entries whose chain still verifies', () => {
    const [header, ...rows] = parseCsv(serializeAuditExport('csv', AWKWARD));
    expect(header.join(',')).toBe(AUDIT_CSV_HEADER);
    const entries = rows.map((row) => entryFromCsv(header, row));
    expect(entries).toEqual(AWKWARD);
    expect(verifyChain(entries)).toMatchObject({ valid: true, entries: AWKWARD.length });
  });
});
