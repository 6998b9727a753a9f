import { storageFaultOf } from './storage-fault';

const sqliteError = (code: string) => Object.assign(new Error(code), { code });

describe(storageFaultOf.name, () => {
  it.each([
    ['SQLITE_FULL', 'disk full'],
    ['SQLITE_IOERR', 'disk I/O error'],
    ['SQLITE_IOERR_WRITE', 'disk I/O error'],
    ['SQLITE_IOERR_FSYNC', 'disk I/O error'],
    ['SQLITE_READONLY', 'the database file is read-only'],
    ['SQLITE_READONLY_DBMOVED', 'the database file is read-only'],
    ['SQLITE_CANTOPEN', 'the database file cannot be opened'],
  ])('names %s as a storage fault: %s', (code, cause) => {
    expect(storageFaultOf(sqliteError(code))).toBe(cause);
  });

  it('reads the driver error that TypeORM wraps', () => {
    const wrapped = Object.assign(new Error('query failed'), {
      driverError: sqliteError('SQLITE_FULL'),
    });
    expect(storageFaultOf(wrapped)).toBe('disk full');
  });

  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_BUSY', 'SQLITE_ERROR', 'SQLITE_FULLNESS', 'ENOENT'])(
    'does not take %s for a storage fault',
    (code) => {
      expect(storageFaultOf(sqliteError(code))).toBeUndefined();
    },
  );

  it('ignores values that are not errors with a code', () => {
    for (const value of [undefined, null, 'SQLITE_FULL', 42, new Error('SQLITE_FULL'), { code: 5 }])
      expect(storageFaultOf(value)).toBeUndefined();
  });
});
