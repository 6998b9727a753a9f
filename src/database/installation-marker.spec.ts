import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkDatabaseFileBeforeOpen,
  installationMarkerPath,
  readInstallationMarker,
  writeInstallationMarker,
} from './installation-marker';

const MARKER = {
  installationId: '0b9e1c6e-0000-4000-8000-000000000000',
  protocolId: 'NCT02286011',
  createdAt: '2026-01-01T00:00:00.000Z',
  databasePath: '/srv/trial/trial.sqlite',
};

describe(checkDatabaseFileBeforeOpen.name, () => {
  let dir: string;
  let database: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'marker-'));
    database = join(dir, 'trial.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets a first start create the database when there is no marker', () => {
    expect(() => checkDatabaseFileBeforeOpen(dir, database)).not.toThrow();
  });

  it('refuses a missing or empty database when the marker records an installation', () => {
    writeInstallationMarker(installationMarkerPath(dir), MARKER);
    expect(() => checkDatabaseFileBeforeOpen(dir, database)).toThrow(
      /is missing, but .* records that trial NCT02286011 was set up here on 2026-01-01.*Restore/,
    );
    writeFileSync(database, '');
    expect(() => checkDatabaseFileBeforeOpen(dir, database)).toThrow(/is empty, but/);
  });

  it('names the file and the cause when the database or its directory cannot be written', () => {
    writeFileSync(database, 'x');
    const readOnly = (path: string) => {
      if (path === dir) throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
    };
    expect(() => checkDatabaseFileBeforeOpen(dir, database, readOnly)).toThrow(
      `The database ${database} cannot be written: ${dir} is not writable by this process (EROFS)`,
    );
  });

  it('refuses a malformed marker instead of guessing', () => {
    writeFileSync(installationMarkerPath(dir), '{"installationId": 1}');
    expect(() => readInstallationMarker(installationMarkerPath(dir))).toThrow(
      /lacks installationId/,
    );
  });

  it('never overwrites an existing marker', () => {
    writeInstallationMarker(installationMarkerPath(dir), MARKER);
    expect(() =>
      writeInstallationMarker(installationMarkerPath(dir), { ...MARKER, installationId: 'x' }),
    ).toThrow(/EEXIST/);
    expect(readInstallationMarker(installationMarkerPath(dir))).toEqual(MARKER);
  });
});
