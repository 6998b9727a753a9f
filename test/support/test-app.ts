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

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const USER_PASSWORD = 'user-password-for-tests';

export function newTempDir(prefix = 'trial-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataDir: string;
  http: () => TestAgent;
  /** Signs in and returns an Authorization header value. */
  login(username: string, password?: string): Promise<string>;
  /** Creates a user with these roles (as admin) and returns its Authorization header value. */
  userWith(username: string, roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

/** Boots the real server in-process on a fresh SQLite file; close() stops it and removes the files. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = newTempDir();
  const config = loadAppConfig(testEnv(dataDir, overrides));
  const app = await createApp(config);
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
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
