import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-errors';
import { errorBodyOf } from '../common/http-exception.filter';
import { loadTrialFile } from '../config/trial-file.loader';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { SimulationThread } from './list-simulation-thread';
import { ListSimulationService, simulationRuns } from './list-simulation.service';

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe(simulationRuns.name, () => {
  it('gives the runs asked for within the bound', () => {
    expect(simulationRuns(10_000, 20)).toBe(10_000);
    expect(simulationRuns(1, 10_000)).toBe(1);
    expect(simulationRuns(100, 10_000)).toBe(100);
  });

  it('defaults to 10000 runs, or to as many as 1,000,000 simulated allocations allow', () => {
    expect(simulationRuns(undefined, 20)).toBe(10_000);
    expect(simulationRuns(undefined, 100)).toBe(10_000);
    expect(simulationRuns(undefined, 101)).toBe(9900);
    expect(simulationRuns(undefined, 10_000)).toBe(100);
  });

  it('refuses more runs than the bound allows, saying how many it would take', () => {
    expect(refusal(() => simulationRuns(5001, 200))).toEqual({
      code: 'SIMULATION_TOO_LARGE',
      message: expect.stringMatching(/ask for at most 5000 runs/) as string,
    });
  });

  it('refuses a list longer than 10000 slots whatever the runs', () => {
    expect(refusal(() => simulationRuns(1, 10_001)).code).toBe('SIMULATION_TOO_LARGE');
    expect(refusal(() => simulationRuns(undefined, 10_001)).code).toBe('SIMULATION_TOO_LARGE');
  });
});

describe(ListSimulationService.name, () => {
  const trial = loadTrialFile(join(__dirname, '..', '..', 'config', 'trials', 'nct02286011.json'));
  const actor: Actor = { username: 'stat', roles: ['statistician'], ip: null, requestId: null };
  const threads: SimulationThread[] = [];
  afterAll(() => Promise.all(threads.map((thread) => thread.onModuleDestroy())));

  /** The service on a real worker thread whose worker runs `source`; nothing may be audited. */
  function serviceOnWorker(source: string): ListSimulationService {
    const thread = new SimulationThread(() => new Worker(source, { eval: true }));
    threads.push(thread);
    const unused = new Proxy(
      {},
      {
        get: () => {
          throw new Error('nothing is written for a failed simulation');
        },
      },
    );
    return new ListSimulationService(trial, unused as UnitOfWork, unused as AuditService, thread);
  }

  /** A worker that answers every job with `reply`, as list-simulation.worker.ts does. */
  const answering = (reply: object) =>
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', () => parentPort.postMessage(${JSON.stringify(reply)}));`;

  it('answers a ListDesignError from the worker as today: 400 INVALID_DESIGN with its message', async () => {
    const service = serviceOnWorker(
      answering({ ok: false, error: { kind: 'ListDesignError', message: 'Cannot fill 22 slots' } }),
    );
    const refusal = await service.simulate(actor, { runs: 10 }).catch((error: unknown) => error);
    expect(errorBodyOf(refusal, 'request-1')).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_DESIGN',
      message: 'Cannot fill 22 slots',
    });
  });

  it('answers any other error of the worker as a 500 that names only the request id', async () => {
    const service = serviceOnWorker(
      answering({ ok: false, error: { kind: 'Error', message: 'out of cheese' } }),
    );
    const failure = await service.simulate(actor, { runs: 10 }).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/out of cheese/);
    expect(errorBodyOf(failure, 'request-2')).toMatchObject({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      requestId: 'request-2',
    });
  });

  it('answers 503 SIMULATION_UNAVAILABLE with Retry-After, never hangs, when the worker dies before answering', async () => {
    const service = serviceOnWorker('process.exit(1)');
    const failure = await service.simulate(actor, { runs: 10 }).catch((error: unknown) => error);
    expect(errorBodyOf(failure, 'request-3')).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'SIMULATION_UNAVAILABLE',
      message:
        'The simulation worker thread stopped before it answered: it exited with code 1; nothing was stored, retry',
    });
    expect((failure as DomainError).retryAfterSeconds).toBe(5);
  });
});
