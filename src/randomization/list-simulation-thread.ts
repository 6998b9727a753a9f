import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OnModuleDestroy } from '@nestjs/common';
import type { RandomizationDesign, TrialDefinition } from '../config/trial-definition';
import { ListDesignError } from './list-generator';
import { DesignSimulation, reportedCounts, simulateDesign } from './list-simulation';
import { ComparedDesign, compareDesigns, designsToCompare } from './list-simulation-comparison';

/**
 * The server's design simulation off the event loop: at its bound it is a second or more of CPU,
 * during which no other request of the process (a health check, a pharmacist's allocation) would
 * be answered. A job is plain data, so that it crosses to the worker thread and back by structured
 * clone; the worker (list-simulation.worker.ts) runs `runSimulationJob` on it. This file is
 * loaded by the worker too: it imports only the computation (no Nest, no DTOs).
 */
export interface SimulationJob {
  allocation: TrialDefinition['allocation'];
  design: RandomizationDesign;
  runs: number;
  seed: string;
  /** The simulated allocations the side-by-side designs share (each at most `runs` runs). */
  comparedAllocations: number;
}

export interface SimulationJobResult {
  simulation: DesignSimulation;
  comparison: ComparedDesign[];
}

/** The simulation of `design`, then the designs side by side: the pure computation of a job. */
export function runSimulationJob(job: SimulationJob): SimulationJobResult {
  const { allocation, design, runs, seed, comparedAllocations } = job;
  const simulation = simulateDesign(
    { allocation, randomization: design },
    { runs, seed, reportAt: reportedCounts(design.slotsPerStratum) },
  );
  const designs = designsToCompare(allocation, design);
  const comparedRuns = Math.max(
    1,
    Math.min(runs, Math.floor(comparedAllocations / (design.slotsPerStratum * designs.length))),
  );
  const comparison = compareDesigns(allocation, designs, { runs: comparedRuns, seed });
  return { simulation, comparison };
}

/** An error as it crosses the thread: its kind (so that the server maps it as before) and message. */
export interface SimulationJobError {
  kind: 'ListDesignError' | 'Error';
  message: string;
}

export type SimulationJobReply =
  { ok: true; result: SimulationJobResult } | { ok: false; error: SimulationJobError };

/** What the worker answers to a job: the result, or the error it threw, as plain data. */
export function replyTo(job: SimulationJob): SimulationJobReply {
  try {
    return { ok: true, result: runSimulationJob(job) };
  } catch (error) {
    return {
      ok: false,
      error: {
        kind: error instanceof ListDesignError ? 'ListDesignError' : 'Error',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

/** The worker's error back on this side: a ListDesignError again, or a plain Error. */
export function errorOf(error: SimulationJobError): Error {
  if (error.kind === 'ListDesignError') return new ListDesignError(error.message);
  return new Error(`The simulation failed in its worker thread: ${error.message}`);
}

/** The worker stopped (crashed, ran out of memory, was terminated) before it answered a job. */
export class SimulationWorkerStopped extends Error {
  constructor(cause: string) {
    super(`The simulation worker thread stopped before it answered: ${cause}`);
    this.name = 'SimulationWorkerStopped';
  }
}

/**
 * The worker file beside this one: the compiled .js under `node dist/main.js`, the .ts under
 * ts-node or ts-jest, which a worker can load only with ts-node registered in it.
 */
export function startSimulationWorker(): Worker {
  const compiled = __filename.endsWith('.js');
  const file = join(__dirname, `list-simulation.worker.${compiled ? 'js' : 'ts'}`);
  return new Worker(
    file,
    compiled ? {} : { execArgv: ['--require', 'ts-node/register/transpile-only'] },
  );
}

/**
 * Runs jobs on one worker thread, one at a time (a second request waits for the first, as it
 * would for the CPU anyway). The worker is started at the first job, started again after it
 * stopped, and terminated when the application closes. Idle, it keeps no process alive.
 */
export class SimulationThread implements OnModuleDestroy {
  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly start: () => Worker = startSimulationWorker) {}

  run(job: SimulationJob): Promise<SimulationJobResult> {
    const result = this.queue.then(() => this.runNow(job));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private runNow(job: SimulationJob): Promise<SimulationJobResult> {
    if (this.closed) {
      return Promise.reject(new SimulationWorkerStopped('the application is shutting down'));
    }
    const worker = this.workerToUse();
    return new Promise<SimulationJobResult>((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
      };
      const onMessage = (reply: SimulationJobReply) => {
        settle();
        if (reply.ok) resolve(reply.result);
        else reject(errorOf(reply.error));
      };
      const onError = (error: Error) => {
        settle();
        reject(new SimulationWorkerStopped(error.message));
      };
      const onExit = (code: number) => {
        settle();
        reject(new SimulationWorkerStopped(`it exited with code ${code}`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // Held only while a job runs: the server, not an idle worker, keeps the process up.
      worker.ref();
      worker.postMessage(job);
    });
  }

  private workerToUse(): Worker {
    if (this.worker) return this.worker;
    const worker = this.start();
    // For the worker's whole life: an 'error' with no listener would throw on this thread, and
    // a worker that stopped is forgotten so that the next job starts a new one.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
