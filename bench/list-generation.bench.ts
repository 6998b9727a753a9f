import seedrandom from 'seedrandom';
import { TrialDefinition } from '../src/config/trial-definition';
import { loadTrialFile } from '../src/config/trial-file.loader';
import { generateList } from '../src/randomization/list-generator';
import { BenchResult, fmt, fmtInt, median, nowMs, progress, runStandalone } from './support/report';
import { ROOT } from './support/server';
import { join } from 'node:path';

const SLOTS = 100_000;
const RUNS = 5;
const SEED = 'bench-list-generation-seed';

/** NCT02286011 (permuted blocks of 2 and 4, 1:1) with `slots` slots. */
export function trialWithSlots(slots: number): TrialDefinition {
  const trial = loadTrialFile(join(ROOT, 'config', 'trials', 'nct02286011.json'));
  return {
    ...trial,
    targetSize: slots,
    randomization: { ...trial.randomization, slotsPerStratum: slots },
  };
}

/** The raw cost of the stream: as many seedrandom draws as slots. */
function drawOnly(count: number): number {
  const next = seedrandom(SEED);
  let sum = 0;
  for (let i = 0; i < count; i += 1) sum += next();
  return sum;
}

/** generateList for 100,000 slots, median of 5 runs, against the PRNG draws alone. */
export function listGenerationBench(): Promise<BenchResult[]> {
  progress(`list generation: ${fmtInt(SLOTS)} slots, ${RUNS} runs`);
  const trial = trialWithSlots(SLOTS);
  generateList(trialWithSlots(1000), SEED);
  drawOnly(1000);
  const times: number[] = [];
  const baselines: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    let started = nowMs();
    const list = generateList(trial, `${SEED}-${run}`);
    times.push(nowMs() - started);
    if (list.length !== SLOTS) throw new Error(`expected ${SLOTS} slots, got ${list.length}`);
    started = nowMs();
    drawOnly(SLOTS);
    baselines.push(nowMs() - started);
  }
  const ms = median(times);
  const baselineMs = median(baselines);
  return Promise.resolve([
    {
      what: `List generation, ${fmtInt(SLOTS)} slots (generateList, median of ${RUNS})`,
      figure: `${fmt(ms / 1000, 3)} s`,
      baseline: `${fmt(baselineMs / 1000, 3)} s, ${fmtInt(SLOTS)} seedrandom draws`,
      ratio: baselineMs / ms,
      target: '≤ 1 s',
      pass: ms <= 1000,
    },
  ]);
}

if (require.main === module) runStandalone('list generation', listGenerationBench);
