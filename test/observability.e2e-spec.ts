import { copyFileSync, renameSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { startServerProcess } from './support/server-process';
import { nctTrial, registration } from './support/trial-fixtures';
import {
  ADMIN_PASSWORD,
  itOnSqliteFile,
  newTempDir,
  startTestApp,
  TestApp,
  testEnv,
  USER_PASSWORD,
} from './support/test-app';
import { slotGuardDrops } from './support/test-database';

/**
 * Issue 15 item 5: GET /api/metrics (Prometheus text, admin or METRICS_TOKEN), the liveness and
 * readiness probes, and LOG_FORMAT=json.
 */

const trial = nctTrial();
const METRICS_TOKEN = 'obs-metrics-token-0123456789-abcdefghijkl';
const ROOT = join(__dirname, '..');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition, comments skipped; label values unescaped. */
function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[key] = value.replace(/\\(.)/g, '$1');
      const value = match[3] === '+Inf' ? Infinity : Number(match[3]);
      return { name: match[1], labels, value };
    });
}

/** The value of one sample, 0 when the series is absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([key, value]) => s.labels[key] === value) &&
      Object.keys(s.labels).length === Object.keys(labels).length,
  );
  return found?.value ?? 0;
}

describe('Observability (end to end)', () => {
  describe('GET /api/metrics', () => {
    let t: TestApp;
    let admin: string;
    let pharmacist: string;
    const scrape = async (authorization = admin): Promise<Sample[]> => {
      const response = await t
        .http()
        .get('/api/metrics')
        .set('Authorization', authorization)
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      return samplesOf(response.text);
    };

    beforeAll(async () => {
      t = await startTestApp({ METRICS_TOKEN });
      admin = await t.login('admin', ADMIN_PASSWORD);
      pharmacist = await t.userWith('obs-pharmacist-quokka', ['pharmacist']);
      const statistician = await t.userWith('obs-statistician-wombat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({ seed: 'observability-seed-never-in-a-label' })
        .expect(201);
    });
    afterAll(() => t?.close());

    it('answers an admin and the metrics token, refuses other roles, no token and a wrong token', async () => {
      const text = (await t.http().get('/api/metrics').set('Authorization', admin).expect(200))
        .text;
      for (const name of [
        'trial_allocation_duration_seconds',
        'trial_refusals_total',
        'trial_login_failures_total',
        'trial_notification_outbox_pending',
        'trial_notification_outbox_oldest_pending_age_seconds',
        'trial_audit_entries',
        'trial_audit_checkpoint_age_seconds',
        'trial_audit_entries_after_checkpoint',
        'process_resident_memory_bytes',
      ])
        expect(text).toContain(`# TYPE ${name} `);
      await scrape(`Bearer ${METRICS_TOKEN}`);
      await t.http().get('/api/metrics').set('Authorization', pharmacist).expect(403);
      await t.http().get('/api/metrics').expect(401);
      await t
        .http()
        .get('/api/metrics')
        .set('Authorization', `Bearer ${METRICS_TOKEN.slice(0, -1)}x`)
        .expect(401);
      // The metrics token opens the metrics and nothing else.
      await t.http().get('/api/trial').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(401);
    });

    it('moves the allocation histogram, the audit count and the refusals after an allocation and a refused one', async () => {
      const registered = await t
        .http()
        .post('/api/participants')
        .set('Authorization', pharmacist)
        .send(registration(trial, 'SCR-OBS-1'))
        .expect(201);
      const id = (registered.body as { participantId: string }).participantId;
      const before = await scrape();
      await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(409);
      const after = await scrape();
      const count = 'trial_allocation_duration_seconds_count';
      expect(valueOf(after, count, { outcome: 'allocated' })).toBe(
        valueOf(before, count, { outcome: 'allocated' }) + 1,
      );
      expect(valueOf(after, count, { outcome: 'refused' })).toBe(
        valueOf(before, count, { outcome: 'refused' }) + 1,
      );
      expect(
        valueOf(after, 'trial_allocation_duration_seconds_sum', { outcome: 'allocated' }),
      ).toBeGreaterThan(
        valueOf(before, 'trial_allocation_duration_seconds_sum', { outcome: 'allocated' }),
      );
      const refusal = { kind: 'conflict', code: 'ALREADY_ALLOCATED' };
      expect(valueOf(after, 'trial_refusals_total', refusal)).toBe(
        valueOf(before, 'trial_refusals_total', refusal) + 1,
      );
      // ALLOCATED and ALLOCATION_REFUSED at least, besides sign-ins.
      expect(valueOf(after, 'trial_audit_entries')).toBeGreaterThanOrEqual(
        valueOf(before, 'trial_audit_entries') + 2,
      );
      // The allocation journalled the head: the checkpoint covers it, and it is recent.
      expect(valueOf(after, 'trial_audit_checkpoint_age_seconds')).toBeLessThan(3600);
      expect(Number.isFinite(valueOf(after, 'trial_audit_entries_after_checkpoint'))).toBe(true);
    });

    it('counts a refused sign-in as a failed sign-in and as an UNAUTHENTICATED refusal', async () => {
      const before = await scrape();
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'obs-pharmacist-quokka', password: 'not-the-password-at-all' })
        .expect(401);
      const after = await scrape();
      for (const [name, labels] of [
        ['trial_login_failures_total', { reason: 'wrong_credentials' }],
        ['trial_refusals_total', { kind: 'unauthenticated', code: 'UNAUTHENTICATED' }],
      ] as const)
        expect(valueOf(after, name, labels)).toBe(valueOf(before, name, labels) + 1);
      expect(valueOf(after, 'trial_login_failures_total', { reason: 'account_disabled' })).toBe(
        valueOf(before, 'trial_login_failures_total', { reason: 'account_disabled' }),
      );
    });

    it('puts no participant id, username, screening number, seed or limb in any label or line', async () => {
      const text = (await t.http().get('/api/metrics').set('Authorization', admin).expect(200))
        .text;
      for (const secret of [
        'ELA-',
        'SCR-OBS',
        'quokka',
        'wombat',
        'admin',
        'observability-seed',
        'LEFT',
        'RIGHT',
      ])
        expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      const allowed: Record<string, RegExp> = {
        outcome: /^(allocated|refused|error)$/,
        kind: /^[a-z-]+$/,
        code: /^[A-Z_]+$/,
        reason: /^(wrong_credentials|account_disabled|throttled)$/,
        le: /^(\d+(\.\d+)?|\+Inf)$/,
      };
      const problems = samplesOf(text).flatMap((sample) =>
        Object.entries(sample.labels)
          .filter(([key, value]) => !allowed[key]?.test(value))
          .map(([key, value]) => `${sample.name}{${key}="${value}"}`),
      );
      expect(problems).toEqual([]);
    });
  });

  it('shows a pending notice in the outbox backlog, with its age', async () => {
    // A receiver that refuses every connection: the notice stays pending, retried much later.
    const t = await startTestApp({
      NOTIFICATION_WEBHOOK_URL: 'http://127.0.0.1:9/unreachable',
      NOTIFICATION_RETRY_BASE_MS: '3600000',
      NOTIFICATION_MAX_ATTEMPTS: '100',
    });
    try {
      const admin = await t.login('admin', ADMIN_PASSWORD);
      const scrape = async () =>
        samplesOf(
          (await t.http().get('/api/metrics').set('Authorization', admin).expect(200)).text,
        );
      expect(valueOf(await scrape(), 'trial_notification_outbox_pending')).toBe(0);
      const pharmacist = await t.userWith('obs-pharm', ['pharmacist']);
      const statistician = await t.userWith('obs-stat', ['statistician']);
      const unblinder = await t.userWith('obs-unblinder', ['unblinder']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({})
        .expect(201);
      const id = (
        (
          await t
            .http()
            .post('/api/participants')
            .set('Authorization', pharmacist)
            .send(registration(trial, 'SCR-OBS-2'))
            .expect(201)
        ).body as { participantId: string }
      ).participantId;
      await t
        .http()
        .post(`/api/participants/${id}/allocation`)
        .set('Authorization', pharmacist)
        .expect(201);
      await t
        .http()
        .post(`/api/participants/${id}/unblinding`)
        .set('Authorization', unblinder)
        .send({ reason: 'Serious adverse event, physician must know', password: USER_PASSWORD })
        .expect(200);
      const samples = await scrape();
      expect(valueOf(samples, 'trial_notification_outbox_pending')).toBe(1);
      expect(
        valueOf(samples, 'trial_notification_outbox_oldest_pending_age_seconds'),
      ).toBeGreaterThanOrEqual(0);
      expect(valueOf(samples, 'trial_notification_outbox_oldest_pending_age_seconds')).toBeLessThan(
        3600,
      );
    } finally {
      await t.close();
    }
  });

  describe('health probes', () => {
    it('answers GET /api/health and /api/health/live with {status:"ok"}, and ready with every check passing', async () => {
      const t = await startTestApp();
      try {
        // SPEC section 4's {status:'ok'}, extended by the training flag.
        expect((await t.http().get('/api/health').expect(200)).body).toEqual({
          status: 'ok',
          training: false,
        });
        expect((await t.http().get('/api/health/live').expect(200)).body).toEqual({
          status: 'ok',
        });
        const ready = await t.http().get('/api/health/ready').expect(200);
        expect(ready.body).toMatchObject({
          status: 'ready',
          checks: {
            database: { status: 'pass' },
            list: { status: 'pass' },
            keys: { status: 'pass' },
          },
        });
      } finally {
        await t.close();
      }
    });

    it('answers ready 503 NOT_READY naming the list when the stored list failed its check, live still 200', async () => {
      const t = await startTestApp();
      const statistician = await t.userWith('obs-stat', ['statistician']);
      await t
        .http()
        .post('/api/randomization-list')
        .set('Authorization', statistician)
        .send({ seed: 'observability-ready-seed' })
        .expect(201);
      await t.app.close();
      for (const drop of slotGuardDrops(t.database.kind)) await t.database.execute(drop);
      await t.database.execute(
        'UPDATE slots SET target_sealed = (SELECT target_sealed FROM slots WHERE slot = 6) WHERE slot = 5',
      );
      const restarted = await createApp(t.config);
      try {
        const http = () => request(restarted.getHttpServer());
        const ready = await http().get('/api/health/ready').expect(503);
        expect(ready.body).toMatchObject({
          statusCode: 503,
          code: 'NOT_READY',
          failing: ['list'],
          checks: {
            database: { status: 'pass' },
            list: { status: 'fail' },
            keys: { status: 'pass' },
          },
        });
        expect((ready.body as { message: string }).message).toMatch(/^Not ready: list \(/);
        await http().get('/api/health/live').expect(200);
      } finally {
        await restarted.close();
        await t.close();
      }
    });

    itOnSqliteFile(
      'answers ready 503 naming the database when the file was replaced under the server',
      async () => {
        const t = await startTestApp();
        try {
          await t.http().get('/api/health/ready').expect(200);
          const path = t.config.databasePath;
          renameSync(path, `${path}.moved`);
          copyFileSync(`${path}.moved`, path);
          const ready = await t.http().get('/api/health/ready').expect(503);
          expect(ready.body).toMatchObject({
            code: 'NOT_READY',
            failing: ['database'],
            checks: { database: { status: 'fail' }, list: { status: 'pass' } },
          });
          expect((ready.body as { message: string }).message).toMatch(/database.*replaced/);
        } finally {
          await t.close();
        }
      },
    );
  });

  describe('LOG_FORMAT', () => {
    it('json: every line of the server output is one JSON object, and a request line carries its id', async () => {
      const server = await startServerProcess(
        testEnv(newTempDir(), { LOG_FORMAT: 'json', LOG_LEVEL: 'debug' }),
      );
      try {
        await fetch(`${server.url}/api/health/ready`, {
          headers: { 'X-Request-Id': 'obs-request-0001' },
        });
        await fetch(`${server.url}/api/participants/ELA-001`, {
          headers: { 'X-Request-Id': 'obs-request-0002' },
        });
      } finally {
        await server.stop();
      }
      const lines = server
        .output()
        .split('\n')
        .filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(5);
      const records = lines.map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`not a JSON line: ${line}`);
        }
      });
      for (const record of records) {
        expect(Object.keys(record)).toEqual(
          expect.arrayContaining(['level', 'time', 'context', 'message']),
        );
        expect(new Date(String(record.time)).toISOString()).toBe(record.time);
      }
      const ready = records.find((r) => r.requestId === 'obs-request-0001');
      expect(ready).toMatchObject({ level: 'debug', context: 'Http' });
      expect(String(ready?.message)).toMatch(/^GET \/api\/health\/ready 200 /);
      // The route as matched: the participant id is not in the line.
      const refused = records.find((r) => r.requestId === 'obs-request-0002');
      expect(String(refused?.message)).toMatch(/^GET \/api\/participants\/:id 401 /);
      // Outside a request, no request id.
      const startup = records.find((r) => r.context === 'Startup');
      expect(startup).toBeDefined();
      expect(startup).not.toHaveProperty('requestId');
    });

    it('text is the default: Nest’s own lines, not JSON', async () => {
      const server = await startServerProcess(testEnv(newTempDir(), { LOG_LEVEL: 'log' }));
      await server.stop();
      const lines = server
        .output()
        .split('\n')
        .filter((line) => line !== '');
      expect(lines.some((line) => line.includes('[Nest]'))).toBe(true);
      expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    });

    it('a bad value stops the start, naming LOG_FORMAT', async () => {
      const run = promisify(execFile)(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            // A server that wrongly starts must not hold a real port, nor outlive the test.
            ...testEnv(newTempDir(), { LOG_FORMAT: 'yaml', PORT: '0', HOST: '127.0.0.1' }),
          },
          timeout: 90_000,
          killSignal: 'SIGKILL',
        },
      );
      await expect(run).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          /Configuration: LOG_FORMAT must be one of text, json/,
        ) as string,
      });
    });
  });
});
