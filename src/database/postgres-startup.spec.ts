import { postgresConfigOf } from '../config/app-config';
import {
  MIN_POSTGRES_VERSION_NUM,
  postgresMajorVersion,
  postgresVersionRefusal,
  withoutPassword,
} from './postgres-startup';

describe(withoutPassword.name, () => {
  it('takes the password out of a message, as written in the URL and decoded', () => {
    const postgres = postgresConfigOf('postgres://trial:s%40cret-pw@db.example/trial', 10);
    expect(withoutPassword('login s@cret-pw refused; s%40cret-pw', postgres)).toBe(
      'login *** refused; ***',
    );
  });

  it('leaves a message alone when the URL has no password', () => {
    const postgres = postgresConfigOf('postgres://trial@db.example/trial', 10);
    expect(withoutPassword('connect ECONNREFUSED 10.0.0.1:5432', postgres)).toBe(
      'connect ECONNREFUSED 10.0.0.1:5432',
    );
  });
});

describe(postgresVersionRefusal.name, () => {
  const where = 'the PostgreSQL server at db.example:5432 (database "trial")';

  it.each([
    ['14.11', '140011', 'PostgreSQL 14 (server_version_num 140011)'],
    ['14.0', '140000', 'PostgreSQL 14 (server_version_num 140000)'],
    ['the last 14 there could be', '149999', 'PostgreSQL 14 (server_version_num 149999)'],
    ['13.14', '130014', 'PostgreSQL 13 (server_version_num 130014)'],
    ['10.23', '100023', 'PostgreSQL 10 (server_version_num 100023)'],
    ['9.6.24', '90624', 'PostgreSQL 9.6 (server_version_num 90624)'],
  ])('refuses PostgreSQL %s, naming the server and the version it runs', (_, number, runs) => {
    expect(postgresVersionRefusal(number, where)).toBe(
      `DATABASE_URL: ${where} runs ${runs}; this service needs 15 or later`,
    );
  });

  it.each(['150000', '150007', '160003', '170000', '180001'])('accepts %s', (number) => {
    expect(postgresVersionRefusal(number, where)).toBeUndefined();
  });

  it('draws the line at MIN_POSTGRES_VERSION_NUM, 15.0', () => {
    expect(MIN_POSTGRES_VERSION_NUM).toBe(150000);
    expect(postgresVersionRefusal(String(MIN_POSTGRES_VERSION_NUM), where)).toBeUndefined();
    expect(postgresVersionRefusal(String(MIN_POSTGRES_VERSION_NUM - 1), where)).toMatch(
      /runs PostgreSQL 14 .*needs 15 or later$/,
    );
  });

  it.each([
    ['no answer', undefined, 'null'],
    ['an empty answer', '', '""'],
    ['a version string instead of a number', '15.4', '"15.4"'],
    ['a number with a sign', '-150000', '"-150000"'],
    ['too many digits', '1500000', '"1500000"'],
  ])('refuses %s as not a version, showing what came back', (_, number, shown) => {
    expect(postgresVersionRefusal(number, where)).toBe(
      `DATABASE_URL: ${where} answered server_version_num ${shown}, which is not a PostgreSQL version; this service needs 15 or later`,
    );
  });
});

describe(postgresMajorVersion.name, () => {
  it.each([
    ['150007', '15'],
    ['170000', '17'],
    ['140011', '14'],
    ['100023', '10'],
    ['90624', '9.6'],
    ['90000', '9.0'],
    ['abc', undefined],
    [undefined, undefined],
  ])('reads %s as %s', (number, major) => {
    expect(postgresMajorVersion(number)).toBe(major);
  });
});
