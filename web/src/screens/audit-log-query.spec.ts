import { AUDIT_ACTIONS } from '../../../src/audit/audit-actions';
import { AUDIT_EXPORT_FORMATS as SERVER_FORMATS } from '../../../src/audit/audit-export-format';
import { auditExportFilename } from '../../../src/audit/audit-export-format';
import { en } from '../i18n/messages-en';
import {
  AUDIT_ACTION_NAMES,
  AUDIT_EXPORT_FORMATS,
  auditLogPath,
  checkpointFileName,
  compactDetails,
  EMPTY_FILTERS,
  exportFileName,
  exposureKey,
  filterOf,
  FIRST_PAGE,
  headerCount,
  nextPosition,
  pageRange,
  pageSizeOf,
  roleKey,
  wallTimeToIso,
} from './audit-log-query';

describe('audit log screen: the action select', () => {
  it('offers exactly the actions the server records, in its order', () => {
    expect([...AUDIT_ACTION_NAMES]).toEqual([...AUDIT_ACTIONS]);
    expect([...AUDIT_EXPORT_FORMATS].sort()).toEqual([...SERVER_FORMATS].sort());
  });
});

describe('wallTimeToIso (a time typed in the trial’s zone, as the API takes it)', () => {
  it('reads a winter and a summer time of Madrid with their own offsets', () => {
    expect(wallTimeToIso('2026-12-02T14:30', 'Europe/Madrid')).toBe('2026-12-02T13:30:00.000Z');
    expect(wallTimeToIso('2026-07-01T09:05', 'Europe/Madrid')).toBe('2026-07-01T07:05:00.000Z');
    expect(wallTimeToIso('2026-07-01T09:05', 'UTC')).toBe('2026-07-01T09:05:00.000Z');
    expect(wallTimeToIso('2026-07-01T09:05', 'America/New_York')).toBe('2026-07-01T13:05:00.000Z');
  });

  it('crosses midnight and the year into UTC', () => {
    // 00:30 on New Year's Day in Madrid is still 31 December in UTC.
    expect(wallTimeToIso('2027-01-01T00:30', 'Europe/Madrid')).toBe('2026-12-31T23:30:00.000Z');
  });

  it('takes the changes of clock: the skipped hour with the offset before it, the repeated hour once', () => {
    // 29 March 2026: Madrid goes from 02:00 CET straight to 03:00 CEST (01:00 UTC).
    expect(wallTimeToIso('2026-03-29T01:59', 'Europe/Madrid')).toBe('2026-03-29T00:59:00.000Z');
    expect(wallTimeToIso('2026-03-29T02:30', 'Europe/Madrid')).toBe('2026-03-29T01:30:00.000Z');
    expect(wallTimeToIso('2026-03-29T03:00', 'Europe/Madrid')).toBe('2026-03-29T01:00:00.000Z');
    // 25 October 2026: 02:00-03:00 happens twice; it is read as the later (CET) one.
    expect(wallTimeToIso('2026-10-25T02:30', 'Europe/Madrid')).toBe('2026-10-25T01:30:00.000Z');
    expect(wallTimeToIso('2026-10-25T03:30', 'Europe/Madrid')).toBe('2026-10-25T02:30:00.000Z');
  });

  it('makes an end time the last millisecond of its minute, or of its second', () => {
    expect(wallTimeToIso('2026-12-02T14:30', 'Europe/Madrid', true)).toBe(
      '2026-12-02T13:30:59.999Z',
    );
    expect(wallTimeToIso('2026-12-02T14:30:15', 'Europe/Madrid', true)).toBe(
      '2026-12-02T13:30:15.999Z',
    );
    expect(wallTimeToIso('2026-12-02T14:30:15', 'Europe/Madrid')).toBe('2026-12-02T13:30:15.000Z');
  });

  it('refuses what is not a date and time', () => {
    for (const text of [
      '',
      '2026-12-02',
      '2026-12-02 14:30',
      '2026-02-30T10:00',
      '2026-13-01T10:00',
      '2026-12-02T24:00',
      '2026-12-02T12:60',
      '2026-12-02T12:00:60',
      '2026-12-02T14:30Z',
      'yesterday',
    ])
      expect({ text, iso: wallTimeToIso(text, 'Europe/Madrid') }).toEqual({
        text,
        iso: undefined,
      });
  });
});

describe('filterOf (the form as the API’s filter)', () => {
  it('leaves blank fields out and trims texts', () => {
    expect(filterOf(EMPTY_FILTERS, 'Europe/Madrid')).toEqual({ ok: true, filter: {} });
    expect(
      filterOf(
        {
          from: '2026-12-01T00:00',
          to: '2026-12-01T23:59',
          action: 'ALLOCATED',
          actor: '  pharm1 ',
          participantId: ' ELA-001',
        },
        'Europe/Madrid',
      ),
    ).toEqual({
      ok: true,
      filter: {
        from: '2026-11-30T23:00:00.000Z',
        to: '2026-12-01T22:59:59.999Z',
        action: 'ALLOCATED',
        actor: 'pharm1',
        participantId: 'ELA-001',
      },
    });
    expect(filterOf({ ...EMPTY_FILTERS, actor: '   ' }, 'UTC')).toEqual({ ok: true, filter: {} });
  });

  it('names the time field that cannot be read', () => {
    expect(filterOf({ ...EMPTY_FILTERS, from: 'soon' }, 'UTC')).toEqual({
      ok: false,
      field: 'from',
    });
    expect(filterOf({ ...EMPTY_FILTERS, to: '2026-02-30T10:00' }, 'UTC')).toEqual({
      ok: false,
      field: 'to',
    });
  });
});

describe('auditLogPath (the query of GET /api/audit-log)', () => {
  it('is the bare path without filters, format or page', () => {
    expect(auditLogPath({})).toBe('/api/audit-log');
    expect(auditLogPath({}, { format: 'json', afterSeq: 0 })).toBe('/api/audit-log');
  });

  it('carries each filter under the API’s own name, encoded', () => {
    const path = auditLogPath(
      {
        from: '2026-11-30T23:00:00.000Z',
        to: '2026-12-01T22:59:59.999Z',
        action: 'ALLOCATION_VIEWED',
        actor: 'ana & co',
        participantId: 'ELA-001',
      },
      { format: 'csv', limit: 25, afterSeq: 512 },
    );
    const [base, query] = path.split('?');
    expect(base).toBe('/api/audit-log');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      format: 'csv',
      from: '2026-11-30T23:00:00.000Z',
      to: '2026-12-01T22:59:59.999Z',
      action: 'ALLOCATION_VIEWED',
      actor: 'ana & co',
      participantId: 'ELA-001',
      limit: '25',
      afterSeq: '512',
    });
    expect(path).not.toContain(' ');
    expect(path).toContain('actor=ana+%26+co');
  });

  it('pages with limit alone on the first page', () => {
    expect(auditLogPath({ action: 'ALLOCATED' }, { limit: 3 })).toBe(
      '/api/audit-log?action=ALLOCATED&limit=3',
    );
    expect(auditLogPath({}, { format: 'ndjson' })).toBe('/api/audit-log?format=ndjson');
  });
});

describe('paging', () => {
  it('reads count headers as decimal digits only', () => {
    expect(headerCount('230')).toBe(230);
    expect(headerCount(' 7 ')).toBe(7);
    expect(headerCount('0')).toBe(0);
    for (const bad of [null, '', '-1', '1.5', '1e3', '0x10', 'abc', '1234567890123456'])
      expect({ bad, count: headerCount(bad) }).toEqual({ bad, count: undefined });
  });

  it('counts the entries before each page, so the range follows the pages', () => {
    // 7 matching entries, 3 a page: seqs 4, 9, 12 | 15, 20, 21 | 30.
    const first = FIRST_PAGE;
    expect(pageRange(first, 3, 7)).toEqual({ first: 1, last: 3, total: 7 });
    const second = nextPosition(first, 3, 12);
    expect(second).toEqual({ afterSeq: 12, before: 3 });
    expect(pageRange(second!, 3, 7)).toEqual({ first: 4, last: 6, total: 7 });
    const third = nextPosition(second!, 3, 21);
    expect(third).toEqual({ afterSeq: 21, before: 6 });
    expect(pageRange(third!, 1, 7)).toEqual({ first: 7, last: 7, total: 7 });
    expect(nextPosition(third!, 1, undefined)).toBeUndefined();
  });

  it('has no next page after an empty one, and an empty range', () => {
    expect(nextPosition(FIRST_PAGE, 0, 5)).toBeUndefined();
    expect(pageRange(FIRST_PAGE, 0, 0)).toEqual({ first: 0, last: 0, total: 0 });
  });

  it('takes a page size from 1 to 1000 in whole numbers', () => {
    expect(pageSizeOf('50')).toBe(50);
    expect(pageSizeOf(' 1 ')).toBe(1);
    expect(pageSizeOf('1000')).toBe(1000);
    for (const bad of ['', '0', '1001', '2.5', '-3', '1e2', 'ten', '00000'])
      expect({ bad, size: pageSizeOf(bad) }).toEqual({ bad, size: undefined });
  });
});

describe('file names', () => {
  const at = new Date('2026-12-02T14:30:05.123Z');

  it('keeps the server’s own export name when it is a plain one of this format', () => {
    const serverName = auditExportFilename('csv', at.toISOString(), 'NCT02286011');
    expect(serverName).toBe('audit-log-NCT02286011-20261202T143005Z.csv');
    expect(exportFileName('csv', `attachment; filename="${serverName}"`, at)).toBe(serverName);
  });

  it('builds the same kind of name when the header is missing, odd or of another format', () => {
    const built = 'audit-log-NCT02286011-20261202T143005Z.ndjson';
    expect(exportFileName('ndjson', null, at, 'NCT02286011')).toBe(built);
    expect(
      exportFileName('ndjson', 'attachment; filename="audit-log-x.json"', at, 'NCT02286011'),
    ).toBe(built);
    expect(
      exportFileName(
        'ndjson',
        'attachment; filename="../../etc/audit-log.ndjson"',
        at,
        'NCT02286011',
      ),
    ).toBe(built);
    expect(exportFileName('json', 'inline', at)).toBe('audit-log-20261202T143005Z.json');
    expect(exportFileName('json', null, at, 'A B/C')).toBe('audit-log-A_B_C-20261202T143005Z.json');
  });

  it('names a checkpoint by its time and length', () => {
    expect(
      checkpointFileName({ at: '2026-12-02T14:30:05.123Z', entries: 1234 }, 'NCT02286011'),
    ).toBe('audit-checkpoint-NCT02286011-20261202T143005Z-1234.json');
    expect(checkpointFileName({ at: '2026-12-02T14:30:05.123Z', entries: 0 })).toBe(
      'audit-checkpoint-20261202T143005Z-0.json',
    );
  });
});

describe('compactDetails', () => {
  it('writes strings as they are and anything else as JSON, on one line', () => {
    expect(
      compactDetails({
        code: 'NOT_ELIGIBLE',
        failed: ['inc-age', 'exc-stroke'],
        filter: { actions: ['ALLOCATED'] },
        status: 422,
        valid: false,
        none: null,
      }),
    ).toBe(
      'code=NOT_ELIGIBLE; failed=["inc-age","exc-stroke"]; filter={"actions":["ALLOCATED"]}; status=422; valid=false; none=null',
    );
    expect(compactDetails({})).toBe('');
    expect(compactDetails({ note: 'two\nlines' })).toBe('note=two\nlines');
  });
});

describe('catalogue keys of roles and exposures', () => {
  it('has words for every role and for every way the register records an exposure', () => {
    for (const role of [
      'admin',
      'statistician',
      'pharmacist',
      'investigator',
      'unblinder',
      'monitor',
    ])
      expect(roleKey(role)).toBe(`role.${role}`);
    expect(roleKey('cli:root')).toBeUndefined();
    expect(roleKey('constructor')).toBeUndefined();
    // The OpenAPI enum of `how` (EXPOSING_ACTIONS; its module needs TypeORM's decorators, so it is
    // not imported here): EXPOSURE_KEYS is typed by that enum, a missing one is a type error.
    for (const how of ['ALLOCATED', 'ALLOCATION_VIEWED', 'PREPARATION_SHEET_VIEWED', 'UNBLINDED']) {
      const key = exposureKey(how);
      expect(key).toBe(`register.blindingHow.${how}`);
      expect(en[key!]).toBeTruthy();
    }
    expect(exposureKey('LIST_EXPORTED')).toBeUndefined();
    expect(exposureKey('toString')).toBeUndefined();
  });
});
