import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { call, login as loginAs } from './support/http-client';
import { newTempDir, USER_PASSWORD } from './support/test-app';
import { startServerProcess } from './support/server-process';

const ROOT = join(__dirname, '..');

/**
 * What a newcomer runs, `npm install && npm start`: the build (`npm run build`, which `npm start`
 * runs first) and then `node dist/main.js`. The other suites run the TypeScript sources, so only
 * this one sees the compiled server: it once failed to start because the interface's build
 * emptied dist/web, where the compiled src/web/ also went.
 */
describe('npm start from a fresh build', () => {
  it('builds, starts with nothing configured, serves the interface and the API, and signs the generated admin in', async () => {
    const build = spawnSync('npm', ['run', 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 900_000,
    });
    expect({
      status: build.status,
      output: build.status === 0 ? '' : build.stdout + build.stderr,
    }).toEqual({ status: 0, output: '' });
    expect(existsSync(join(ROOT, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(ROOT, 'dist', 'web', 'index.html'))).toBe(true);

    // Only where the data goes is set (not the repository's ./data); secrets are generated there.
    const dataDir = newTempDir('trial-npm-start-');
    const server = await startServerProcess({ DATA_DIR: dataDir }, 180_000, [
      join(ROOT, 'dist', 'main.js'),
    ]);
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);

      const password = /Created user "admin" with the generated password:\s*==\s+(\S+)/.exec(
        server.output(),
      )?.[1];
      expect(password).toBeDefined();
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const admin = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;
      const trial = await fetch(`${server.url}/api/trial`, { headers: { Authorization: admin } });
      expect(((await trial.json()) as { protocolId: string }).protocolId).toBe('NCT02286011');

      // The design simulation runs on a worker thread, from its own compiled file.
      await call(server.url, 'POST', '/api/users', admin, {
        username: 'stat',
        password: USER_PASSWORD,
        roles: ['statistician'],
      });
      const statistician = await loginAs(server.url, 'stat', USER_PASSWORD);
      const simulation = await call(
        server.url,
        'POST',
        '/api/randomization-list/simulation',
        statistician,
        { runs: 10 },
      );
      expect(simulation).toMatchObject({ status: 200, body: { source: 'trial', runs: 10 } });
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
