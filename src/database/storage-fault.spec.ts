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

  it.each([
    ['53100', 'disk full'],
    ['53200', 'the database server is out of resources'],
    ['58030', 'disk I/O error'],
    ['08006', 'the connection to the database server failed'],
    ['57P01', 'the database server is shutting down or restarting'],
    ['ECONNREFUSED', 'the database server cannot be reached'],
  ])('names PostgreSQL %s as a storage fault: %s', (code, cause) => {
    expect(storageFaultOf(Object.assign(new Error(code), { code }))).toBe(cause);
  });

  it('names a pool connection that ended as a storage fault', () => {
    expect(storageFaultOf(new Error('Connection terminated unexpectedly'))).toBe(
      'the connection to the database server failed',
    );
  });

  it.each(['23505', '40P01', '42P01', '22003', '23503'])(
    'does not take PostgreSQL %s (a statement or race, not storage) for a storage fault',
    (code) => {
      expect(storageFaultOf(Object.assign(new Error(code), { code }))).toBeUndefined();
    },
  );
});
