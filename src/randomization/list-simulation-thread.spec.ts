import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadTrialFile } from '../config/trial-file.loader';
import { ListDesignError } from './list-generator';
import {
  runSimulationJob,
  SimulationJob,
  SimulationThread,
  SimulationWorkerStopped,
  startSimulationWorker,
} from './list-simulation-thread';

const nct = loadTrialFile(join(__dirname, '..', '..', 'config', 'trials', 'nct02286011.json'));

const job = (overrides: Partial<SimulationJob> = {}): SimulationJob => ({
  allocation: nct.allocation,
  design: nct.randomization,
  runs: 200,
  seed: 'thread-spec-seed',
  comparedAllocations: 1_000_000,
  ...overrides,
});

/** A worker from source text (eval), standing in for the real one. */
const evalWorker = (source: string) => () => new Worker(source, { eval: true });

describe(runSimulationJob.name, () => {
  it('shares the compared designs’ bound among them, each at most `runs` runs', () => {
    const { simulation, comparison } = runSimulationJob(job({ comparedAllocations: 8_000 }));
    expect(simulation.runs).toBe(200);
    // NCT02286011's blocks of 2 and 4, Efron, the big stick and simple: 8,000 / (20 × 4) = 100.
    expect(comparison.map((row) => [row.design.method, row.runs])).toEqual([
      ['permuted-blocks', 100],
      ['efron-biased-coin', 100],
      ['big-stick', 100],
      ['simple', 100],
    ]);
    expect(runSimulationJob(job()).comparison.every((row) => row.runs === 200)).toBe(true);
  });
});

describe(SimulationThread.name, () => {
  const threads: SimulationThread[] = [];
  const threadOf = (start?: () => Worker) => {
    const thread = new SimulationThread(start);
    threads.push(thread);
    return thread;
  };
  afterAll(() => Promise.all(threads.map((thread) => thread.onModuleDestroy())));

  it('answers on the worker exactly what the computation answers on this thread', async () => {
    const thread = threadOf();
    expect(await thread.run(job())).toEqual(runSimulationJob(job()));
  });

  it('runs jobs one after the other, each answered with its own result', async () => {
    const thread = threadOf();
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((seed) => thread.run(job({ runs: 20, seed }))),
    );
    expect(answers.map((answer) => answer.simulation.seed)).toEqual(['a', 'b', 'c']);
  });

  it('gives back a ListDesignError thrown in the worker as a ListDesignError with its message', async () => {
    const thread = threadOf();
    const refusal = await thread.run(job({ runs: 0 })).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ListDesignError);
    expect((refusal as Error).message).toBe('runs must be at least 1');
    // The worker survives a refused job.
    expect((await thread.run(job({ runs: 10 }))).simulation.runs).toBe(10);
  });

  it('gives back any other error as a plain Error that says it came from the worker', async () => {
    const thread = threadOf();
    const broken = job({ allocation: { ...nct.allocation, targets: undefined as never } });
    const failure = await thread.run(broken).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ListDesignError);
    expect((failure as Error).message).toMatch(/^The simulation failed in its worker thread: /);
  });

  it('rejects, never hangs, when the worker dies before answering, and starts a new one after', async () => {
    let starts = 0;
    const thread = threadOf(() => {
      starts += 1;
      return starts === 1 ? evalWorker('process.exit(3)')() : startSimulationWorker();
    });
    const crash = await thread.run(job()).catch((error: unknown) => error);
    expect(crash).toBeInstanceOf(SimulationWorkerStopped);
    expect((crash as Error).message).toMatch(/exited with code 3/);
    expect((await thread.run(job({ runs: 10 }))).simulation.runs).toBe(10);
    expect(starts).toBe(2);
  });

  it('rejects a job whose worker throws outside a job (a file that cannot load)', async () => {
    const thread = threadOf(evalWorker('throw new Error("cannot load")'));
    const failure = await thread.run(job()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SimulationWorkerStopped);
    expect((failure as Error).message).toMatch(/cannot load/);
  });

  it('refuses jobs once the application is closing, and ends a job under way', async () => {
    const thread = threadOf(
      evalWorker('require("node:worker_threads").parentPort.on("message", () => {})'),
    );
    const pending = thread.run(job()).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    await thread.onModuleDestroy();
    expect(await pending).toBeInstanceOf(SimulationWorkerStopped);
    await expect(thread.run(job())).rejects.toThrow(/shutting down/);
  });
});
