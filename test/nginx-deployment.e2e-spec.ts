import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import {
  ADMIN_PASSWORD,
  tempDirsRemovedAfterAll,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';
import {
  describeOnPostgres,
  sharedPostgresCluster,
  stopSharedPostgresCluster,
} from './support/postgres';
import { freePort, ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, registration } from './support/trial-fixtures';
import { webBuilt } from './support/browser';

/**
 * The deployment of docs/operations.md, run for real: nginx with docs/deploy/nginx.conf (only its
 * ports, upstream addresses and certificate paths rendered) in front of three server processes
 * on one throwaway PostgreSQL database. The client connects from 127.0.0.2, nginx and the servers
 * talk over 127.0.0.1, so the audit log shows whose address it took.
 */

const NGINX = '/usr/sbin/nginx';
const CONFIG = join(__dirname, '..', 'docs', 'deploy', 'nginx.conf');
const CLIENT_ADDRESS = '127.0.0.2';
const SERVERS = 3;
const PARTICIPANTS = 12;
const TEST_TIMEOUT_MS = 300_000;
const trial = nctTrial();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** HTTPS to nginx from CLIENT_ADDRESS, trusting only the test's own certificate. */
function httpsCall(
  port: number,
  ca: string,
  method: string,
  path: string,
  options: { token?: string; body?: object; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = options.body ? JSON.stringify(options.body) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca,
        localAddress: CLIENT_ADDRESS,
        servername: 'localhost',
        headers: {
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          ...(options.token ? { Authorization: options.token } : {}),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** docs/deploy/nginx.conf with each documented value replaced, each found exactly once. */
function renderConfig(text: string, replacements: [string, string][]): string {
  let rendered = text;
  for (const [from, to] of replacements) {
    const found = rendered.split(from).length - 1;
    if (found !== 1) throw new Error(`docs/deploy/nginx.conf: "${from}" found ${found} times`);
    rendered = rendered.replace(from, to);
  }
  return rendered;
}

function describeWithNginx(name: string, body: () => void): void {
  if (existsSync(NGINX)) {
    describeOnPostgres(name, body);
    return;
  }
  console.warn(`${name}: ${NGINX} not found, skipped; install it with \`apt-get install nginx\``);
  describe.skip(name, body);
}

describeWithNginx('Deployment: nginx in front of three server processes on PostgreSQL', () => {
  afterAll(() => stopSharedPostgresCluster());
  // The directories of this file's servers, dumps and nginx: removed when its tests are done.
  const tempDir = tempDirsRemovedAfterAll();

  it(
    'serves the interface and the API through the documented nginx config, spreads allocations over the three processes, and audits the client address from X-Forwarded-For',
    async () => {
      const cluster = await sharedPostgresCluster();
      const prefix = tempDir('trial-nginx-');
      // nginx's workers (www-data when started as root) must reach the prefix's temp folders.
      chmodSync(prefix, 0o755);
      mkdirSync(join(prefix, 'logs'));
      mkdirSync(join(prefix, 'temp'));
      const certificate = join(prefix, 'cert.pem');
      const key = join(prefix, 'key.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          key,
          '-out',
          certificate,
        ],
        { stdio: 'ignore' },
      );
      const ca = readFileSync(certificate, 'utf8');

      const dataDir = tempDir('trial-nginx-data-');
      const env = testEnv(dataDir, {
        DATABASE_URL: await cluster.createDatabase(),
        TRUST_PROXY_HOPS: '1',
      });
      const servers: ServerProcess[] = [];
      let nginx: ChildProcess | undefined;
      let nginxOutput = '';
      try {
        servers.push(
          ...(await Promise.all(Array.from({ length: SERVERS }, () => startServerProcess(env)))),
        );
        const backends = servers.map((s) => new URL(s.url).host);
        const [httpPort, httpsPort] = [await freePort(), await freePort()];
        const rendered = renderConfig(readFileSync(CONFIG, 'utf8'), [
          ['listen 80;', `listen 127.0.0.1:${httpPort};`],
          ['listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`],
          ['server 127.0.0.1:3001 ', `server ${backends[0]} `],
          ['server 127.0.0.1:3002 ', `server ${backends[1]} `],
          ['server 127.0.0.1:3003 ', `server ${backends[2]} `],
          ['/etc/trial/tls/fullchain.pem', certificate],
          ['/etc/trial/tls/privkey.pem', key],
        ]);
        const configFile = join(prefix, 'nginx.conf');
        writeFileSync(configFile, rendered);
        execFileSync(NGINX, ['-t', '-q', '-p', `${prefix}/`, '-c', configFile], { stdio: 'pipe' });
        nginx = spawn(NGINX, ['-p', `${prefix}/`, '-c', configFile, '-g', 'daemon off;'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        nginx.stdout?.on('data', (chunk: Buffer) => (nginxOutput += chunk.toString()));
        nginx.stderr?.on('data', (chunk: Buffer) => (nginxOutput += chunk.toString()));
        const call = (
          method: string,
          path: string,
          options?: { token?: string; body?: object; headers?: Record<string, string> },
        ) => httpsCall(httpsPort, ca, method, path, options);
        for (let attempt = 0; ; attempt += 1) {
          try {
            await call('GET', '/api/health');
            break;
          } catch (error) {
            if (nginx.exitCode !== null || attempt > 300) {
              throw new Error(`nginx did not start: ${String(error)}\n${nginxOutput}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        const expectStatus = async (answer: Promise<Answer>, status: number, what: string) => {
          const got = await answer;
          if (got.status !== status) {
            throw new Error(`${what}: expected ${status}, got ${got.status} ${got.text}`);
          }
          return JSON.parse(got.text || '{}') as Record<string, unknown>;
        };

        // Plain HTTP is only a redirect to HTTPS.
        const plain = await fetch(`http://127.0.0.1:${httpPort}/api/health`, {
          redirect: 'manual',
        });
        expect(plain.status).toBe(301);
        expect(plain.headers.get('location')).toBe('https://127.0.0.1/api/health');

        // The web interface at /, as the server sends it.
        const page = await call('GET', '/');
        if (webBuilt) {
          expect(page.status).toBe(200);
          expect(page.headers['content-type']).toMatch(/^text\/html/);
          expect(page.headers['content-security-policy']).toContain("default-src 'self'");
          const asset = /(?:src|href)="(\/assets\/[^"]+)"/.exec(page.text)?.[1];
          expect(asset).toBeDefined();
          expect((await call('GET', asset as string)).status).toBe(200);
        } else {
          console.warn('the web interface is not built (`npm run build:web`): / answers 404');
          expect(page.status).toBe(404);
          expect(page.text).toContain('npm run build');
        }

        // Sign-in, with a forged X-Forwarded-For: nginx appends the address it saw.
        const signIn = await expectStatus(
          call('POST', '/api/auth/login', {
            body: { username: 'admin', password: ADMIN_PASSWORD },
            headers: { 'X-Forwarded-For': '203.0.113.9' },
          }),
          200,
          'sign in',
        );
        const admin = `Bearer ${signIn.accessToken as string}`;
        for (const [username, role] of [
          ['pharm', 'pharmacist'],
          ['stat', 'statistician'],
          ['mon', 'monitor'],
        ]) {
          await expectStatus(
            call('POST', '/api/users', {
              token: admin,
              body: { username, password: USER_PASSWORD, roles: [role] },
            }),
            201,
            `create ${username}`,
          );
        }
        const tokenOf = async (username: string) =>
          `Bearer ${(await expectStatus(call('POST', '/api/auth/login', { body: { username, password: USER_PASSWORD } }), 200, `sign in ${username}`)).accessToken as string}`;
        const pharmacist = await tokenOf('pharm');
        await expectStatus(
          call('POST', '/api/randomization-list', {
            token: await tokenOf('stat'),
            body: { seed: 'nginx-deployment-e2e-seed' },
          }),
          201,
          'generate the list',
        );
        const participants: string[] = [];
        for (let i = 0; i < PARTICIPANTS; i += 1) {
          const answer = await expectStatus(
            call('POST', '/api/participants', {
              token: pharmacist,
              body: registration(trial, `N-${i}`),
            }),
            201,
            `register N-${i}`,
          );
          participants.push(answer.participantId as string);
        }
        const slots = await Promise.all(
          participants.map(async (id) => {
            const answer = await expectStatus(
              call('POST', `/api/participants/${id}/allocation`, { token: pharmacist }),
              201,
              `allocate ${id}`,
            );
            return answer.slot as number;
          }),
        );
        expect(new Set(slots).size).toBe(PARTICIPANTS);

        const verify = await expectStatus(
          call('GET', '/api/audit-log/verify', { token: await tokenOf('mon') }),
          200,
          'verify',
        );
        expect(verify).toMatchObject({ valid: true });

        // Each allocation's access-log line names the process that answered: all three did.
        const log = readFileSync(join(prefix, 'logs', 'access.log'), 'utf8').split('\n');
        const allocationLines = log.filter((line) =>
          /"POST \/api\/participants\/[^/ ]+\/allocation HTTP/.test(line),
        );
        expect(allocationLines).toHaveLength(PARTICIPANTS);
        const answeredBy = new Set(allocationLines.map((line) => /upstream=(\S+)/.exec(line)?.[1]));
        expect([...answeredBy].sort()).toEqual([...backends].sort());
        expect(allocationLines.every((line) => line.startsWith(`${CLIENT_ADDRESS} `))).toBe(true);

        // The audit log has the client's address, never nginx's nor the forged one.
        const client = await cluster.connect(env.DATABASE_URL);
        try {
          const { rows } = await client.query<{ action: string; ip: string | null }>(
            "SELECT action, ip FROM audit_entries WHERE action IN ('LOGIN_SUCCEEDED', 'ALLOCATED', 'PARTICIPANT_REGISTERED')",
          );
          // Four sign-ins (admin, pharm, stat, mon), then each participant registered and allocated.
          expect(rows.length).toBe(4 + 2 * PARTICIPANTS);
          expect(rows.filter((row) => row.ip !== CLIENT_ADDRESS)).toEqual([]);
        } finally {
          await client.end();
        }
      } finally {
        if (nginx && nginx.exitCode === null) {
          const exited = new Promise((resolve) => nginx?.once('exit', resolve));
          nginx.kill('SIGQUIT');
          await exited;
        }
        await Promise.all(servers.map((s) => s.stop()));
      }
    },
    TEST_TIMEOUT_MS,
  );
});
