import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillAuditTable } from '../bench/support/audit-fixture';
import { call, expectStatus, login } from './support/http-client';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, NCT_TRIAL_FILE, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, newTempDir, testEnv, USER_PASSWORD } from './support/test-app';

/**
 * A long export or verification never holds the event loop: other requests are answered while
 * it runs. Checked by order of arrival, never by time: answers counted while the export stream
 * is still open (or the verification still unanswered).
 */

const ENTRIES = 50_000;
/** Health answers that must arrive while the long request is still running. */
const ANSWERS_DURING = 3;
const trial = nctTrial();

describe('Long audit reads and the event loop', () => {
  const dataDir = newTempDir('trial-yield-');
  let server: ServerProcess | undefined;
  let monitor: string;
  let pharmacist: string;
  const participants: string[] = [];

  beforeAll(async () => {
    const trialFile = join(dataDir, 'trial.json');
    const design = JSON.parse(readFileSync(NCT_TRIAL_FILE, 'utf8')) as Record<string, unknown>;
    writeFileSync(trialFile, JSON.stringify({ ...design, targetSize: 10 }));
    const env = testEnv(dataDir, { TRIAL_CONFIG: trialFile, LOG_LEVEL: 'log' });
    server = await startServerProcess(env);
    const url = server.url;
    const admin = await login(url, 'admin', ADMIN_PASSWORD);
    for (const [username, role] of [
      ['mon', 'monitor'],
      ['pharm', 'pharmacist'],
      ['stat', 'statistician'],
    ])
      await expectStatus(
        call(url, 'POST', '/api/users', admin, {
          username,
          password: USER_PASSWORD,
          roles: [role],
        }),
        201,
        `create ${username}`,
      );
    const stat = await login(url, 'stat', USER_PASSWORD);
    await expectStatus(
      call(url, 'POST', '/api/randomization-list', stat, { seed: 'export-yield-e2e-seed-01' }),
      201,
      'generate the list',
    );
    pharmacist = await login(url, 'pharm', USER_PASSWORD);
    for (let i = 0; i < 2; i += 1) {
      const registered = await expectStatus(
        call(url, 'POST', '/api/participants', pharmacist, registration(trial, `SCR-${i}`)),
        201,
        'register',
      );
      participants.push(registered.body.participantId as string);
    }
    await server.stop();
    // A long log, appended directly (real chained entries), while the server is stopped.
    fillAuditTable(join(dataDir, 'trial.sqlite'), ENTRIES);
    server = await startServerProcess(env);
    monitor = await login(server.url, 'mon', USER_PASSWORD);
    pharmacist = await login(server.url, 'pharm', USER_PASSWORD);
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Asks for health again and again until `done()`; the number answered before it was done. */
  async function healthAnswersUntil(done: () => boolean): Promise<number> {
    let answered = 0;
    while (!done()) {
      const health = await fetch(`${server!.url}/api/health`);
      await health.text();
      expect(health.status).toBe(200);
      if (!done()) answered += 1;
    }
    return answered;
  }

  it('answers health and an allocation while a full-speed export of 50,000 entries streams', async () => {
    const response = await fetch(`${server!.url}/api/audit-log?format=ndjson`, {
      headers: { Authorization: monitor },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let open = true;
    let bytes = 0;
    const first = await reader.read();
    bytes += first.value?.length ?? 0;
    // Read as fast as possible: the export is never slowed by its client.
    const drained = (async () => {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        bytes += chunk.value.length;
      }
      open = false;
    })();
    const allocation = call(
      server!.url,
      'POST',
      `/api/participants/${participants[0]}/allocation`,
      pharmacist,
    ).then((answer) => ({ ...answer, whileOpen: open }));
    const healthDuring = await healthAnswersUntil(() => !open);
    await drained;
    const allocated = await allocation;
    expect(allocated).toMatchObject({ status: 201, whileOpen: true });
    expect(healthDuring).toBeGreaterThanOrEqual(ANSWERS_DURING);
    expect(bytes).toBeGreaterThan(ENTRIES * 100);
  });

  it('answers health while the whole chain is verified', async () => {
    let verified = false;
    const verification = call(server!.url, 'GET', '/api/audit-log/verify', monitor).then(
      (answer) => {
        verified = true;
        return answer;
      },
    );
    const healthDuring = await healthAnswersUntil(() => verified);
    const answer = await verification;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ valid: true });
    expect(healthDuring).toBeGreaterThanOrEqual(ANSWERS_DURING);
  });

  it('logs a client that aborts an export as one quiet line, not an error with a stack', async () => {
    const before = server!.output().length;
    const abort = new AbortController();
    const response = await fetch(`${server!.url}/api/audit-log?format=json`, {
      headers: { Authorization: monitor },
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => undefined);
    // The server notices the closed connection at its next write; health keeps it honest.
    while (!server!.output().slice(before).includes('ended early')) {
      const health = await fetch(`${server!.url}/api/health`);
      expect(health.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server!.output()).not.toMatch(/ERROR[^\n]*audit-log/);
    }
    expect(server!.output()).not.toMatch(/ERR_STREAM_PREMATURE_CLOSE|ERROR[^\n]*audit-log/);
  });
});
