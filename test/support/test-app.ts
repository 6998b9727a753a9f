import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadAppConfig } from '../../src/config/app-config';
import { Role } from '../../src/users/role';
import { sharedPostgresCluster, stopSharedPostgresCluster } from './postgres';
import { TestDatabase, testDatabaseOf } from './test-database';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const USER_PASSWORD = 'user-password-for-tests';

export function newTempDir(prefix = 'trial-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * newTempDir for one describe block, every directory removed by an afterAll declared here: call
 * it after the block's other afterAll hooks (jest runs them in the order they are declared), so
 * that servers are stopped before their directories go.
 */
export function tempDirsRemovedAfterAll(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = newTempDir(prefix);
    made.push(dir);
    return dir;
  };
}

/** The environment of a test server: its own data directory, fixed secrets, quiet logs. */
export function testEnv(
  dataDir: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BLINDING_KEY: randomBytes(32).toString('base64'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
    // The e2e tests send hundreds of anonymous refusals from one address, each to be counted.
    AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE: '1000000',
    ...overrides,
  };
}

export type TestDatabaseKind = 'sqlite' | 'postgres';

declare global {
  // Set by the e2e-postgres jest project (jest.config.js): run this suite on PostgreSQL.
  var TEST_DATABASE: TestDatabaseKind | undefined;
}

/** The database the e2e suites of this jest project run on: SQLite unless the project says. */
export function testDatabaseKind(): TestDatabaseKind {
  return globalThis.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
}

const ABOUT_THE_FILE = 'skipped on PostgreSQL: it works on the SQLite database file itself';

/**
 * `describe` on SQLite; on PostgreSQL a skipped block whose name says why. Only for tests that
 * are about the SQLite file (they open, copy, corrupt or replace it, or fill the disk under it);
 * a test that only reads or edits the database belongs on both, through `TestApp.database`.
 */
export function describeOnSqliteFile(name: string, body: () => void): void {
  if (testDatabaseKind() === 'sqlite') describe(name, body);
  else describe.skip(`${name} (${ABOUT_THE_FILE})`, body);
}

/** The same for one test. */
export function itOnSqliteFile(name: string, test: jest.ProvidesCallback, timeout?: number): void {
  if (testDatabaseKind() === 'sqlite') it(name, test, timeout);
  else it.skip(`${name} (${ABOUT_THE_FILE})`, test, timeout);
}

// Every jest file on PostgreSQL shares one throwaway cluster (a database per test app), stopped
// and removed when the file is done. Outside jest (the benchmarks import this module) no hook.
if (typeof afterAll === 'function') afterAll(() => stopSharedPostgresCluster());

/**
 * The environment's database settings for a new test app: nothing (a fresh SQLite file in the
 * data directory) or a fresh database of the shared cluster. A test that names DATABASE_PATH
 * or DATABASE_URL itself keeps it.
 */
export async function testDatabaseEnv(
  overrides: Record<string, string>,
  kind: TestDatabaseKind = testDatabaseKind(),
): Promise<Record<string, string>> {
  if (kind === 'sqlite' || 'DATABASE_PATH' in overrides || 'DATABASE_URL' in overrides) return {};
  const cluster = await sharedPostgresCluster();
  return { DATABASE_URL: await cluster.createDatabase() };
}

export interface TestAppOptions {
  /** Which database; by default the project's (testDatabaseKind()). */
  database?: TestDatabaseKind;
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataDir: string;
  /** The server's database, reached from outside the server (SQLite file or PostgreSQL). */
  database: TestDatabase;
  http: () => TestAgent;
  /** Signs in and returns an Authorization header value. */
  login(username: string, password?: string): Promise<string>;
  /** Creates a user with these roles (as admin) and returns its Authorization header value. */
  userWith(username: string, roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Boots the real server in-process on a fresh SQLite file, or a fresh database of the file's
 * PostgreSQL cluster; close() stops it and removes its files.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = newTempDir();
  const databaseEnv = await testDatabaseEnv(overrides, options.database);
  const config = loadAppConfig(testEnv(dataDir, { ...databaseEnv, ...overrides }));
  const app = await createApp(config);
  const database = testDatabaseOf(config);
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  const http = () => request(server);
  const login = async (username: string, password = USER_PASSWORD): Promise<string> => {
    const response = await http().post('/api/auth/login').send({ username, password });
    if (response.status !== 200)
      throw new Error(`login ${username}: ${response.status} ${response.text}`);
    return `Bearer ${(response.body as { accessToken: string }).accessToken}`;
  };
  let adminToken: string | undefined;
  return {
    app,
    config,
    dataDir,
    database,
    http,
    login,
    async userWith(username, roles) {
      adminToken ??= await login('admin', ADMIN_PASSWORD);
      const created = await http()
        .post('/api/users')
        .set('Authorization', adminToken)
        .send({ username, password: USER_PASSWORD, roles });
      if (created.status !== 201)
        throw new Error(`create ${username}: ${created.status} ${created.text}`);
      return login(username);
    },
    async close() {
      await database.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
