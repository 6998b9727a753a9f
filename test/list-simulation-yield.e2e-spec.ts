import { rmSync } from 'node:fs';
import { call, expectStatus, login } from './support/http-client';
import { ServerProcess, startServerProcess } from './support/server-process';
import { nctTrial, registration } from './support/trial-fixtures';
import { ADMIN_PASSWORD, newTempDir, testEnv, USER_PASSWORD } from './support/test-app';

/**
 * A design simulation at its bound (1,000,000 simulated allocations, and as many again for the
 * designs side by side) runs on a worker thread: the server answers other requests meanwhile.
 * Checked by order of arrival, never by time: answers counted while the simulation is unanswered.
 */

/** 10,000 runs × 100 slots: the bound of one request (MAX_SIMULATED_ALLOCATIONS_PER_REQUEST). */
const AT_THE_BOUND = {
  runs: 10_000,
  design: { method: 'permuted-blocks', blockSizes: [2, 4], slotsPerStratum: 100 },
};
/**
 * Health answers that must arrive while the simulation is unanswered. On the event loop it
 * allowed at most a couple (before it started, and while its audit entry was written).
 */
const ANSWERS_DURING = 10;
const trial = nctTrial();

describe('A design simulation and the event loop', () => {
  const dataDir = newTempDir('trial-simulation-yield-');
  let server: ServerProcess;
  let statistician: string;
  let pharmacist: string;
  let participant: string;

  beforeAll(async () => {
    server = await startServerProcess(testEnv(dataDir, { LOG_LEVEL: 'log' }));
    const url = server.url;
    const admin = await login(url, 'admin', ADMIN_PASSWORD);
    for (const [username, role] of [
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
    statistician = await login(url, 'stat', USER_PASSWORD);
    await expectStatus(
      call(url, 'POST', '/api/randomization-list', statistician, {
        seed: 'simulation-yield-e2e-seed',
      }),
      201,
      'generate the list',
    );
    pharmacist = await login(url, 'pharm', USER_PASSWORD);
    const registered = await expectStatus(
      call(url, 'POST', '/api/participants', pharmacist, registration(trial, 'SCR-SIM-1')),
      201,
      'register',
    );
    participant = registered.body.participantId as string;
    // The worker thread starts with the first simulation: a small one, so that the test below
    // sees a simulation under way rather than a worker starting.
    await expectStatus(
      call(url, 'POST', '/api/randomization-list/simulation', statistician, { runs: 1 }),
      200,
      'a first, small simulation',
    );
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers health and a pharmacist’s allocation while a simulation at its bound runs', async () => {
    const url = server.url;
    let simulated = false;
    const simulation = call(
      url,
      'POST',
      '/api/randomization-list/simulation',
      statistician,
      AT_THE_BOUND,
    ).then((answer) => {
      simulated = true;
      return answer;
    });
    let healthDuring = 0;
    let allocation: Promise<{ status: number; whileSimulating: boolean }> | undefined;
    while (!simulated) {
      const health = await fetch(`${url}/api/health`);
      await health.text();
      expect(health.status).toBe(200);
      if (simulated) break;
      healthDuring += 1;
      // The allocation is asked for only once the simulation has been seen to run.
      if (healthDuring === ANSWERS_DURING) {
        allocation = call(
          url,
          'POST',
          `/api/participants/${participant}/allocation`,
          pharmacist,
        ).then((answer) => ({ status: answer.status, whileSimulating: !simulated }));
      }
    }
    const answer = await simulation;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ source: 'variant', runs: 10_000, slots: 100 });
    expect(healthDuring).toBeGreaterThanOrEqual(ANSWERS_DURING);
    expect(await allocation).toEqual({ status: 201, whileSimulating: true });
    expect(server.output()).not.toMatch(/ERROR/);
  });
});
