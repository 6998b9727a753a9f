import { parentPort } from 'node:worker_threads';
import { replyTo, SimulationJob } from './list-simulation-thread';

/**
 * The worker thread of SimulationThread (list-simulation-thread.ts): one job in, one reply out,
 * errors included, so that the server's event loop never runs a simulation itself.
 */
parentPort?.on('message', (job: SimulationJob) => {
  parentPort?.postMessage(replyTo(job));
});
