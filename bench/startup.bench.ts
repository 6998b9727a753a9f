import { AuditDatabase, MILLION, prepareAuditDatabase } from './support/audit-fixture';
import { BenchResult, fmt, fmtInt, median, progress, runStandalone } from './support/report';
import { benchEnv, benchTempDir, timeStartToHealthy, transpileServer } from './support/server';

const RUNS = 3;

/**
 * Spawn to the first healthy /api/health of the transpiled server (as `npm start` runs it) on a
 * database of 1,000,000 audit entries, median of 3; baseline: the same on a new, empty database.
 */
export async function startupBench(shared?: AuditDatabase): Promise<BenchResult[]> {
  const build = benchTempDir('build');
  const empty = benchTempDir('empty');
  let fixture: AuditDatabase | undefined = shared;
  try {
    progress('start-up: transpiling src/ to a temporary directory');
    transpileServer(build.path);
    fixture ??= await prepareAuditDatabase(MILLION);
    const emptyEnv = benchEnv(empty.path);
    // The first start on the empty directory runs the migrations and creates keys: not timed.
    await timeStartToHealthy(build.path, emptyEnv);
    const baselines: number[] = [];
    const times: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      progress(`start-up: run ${run + 1} of ${RUNS}`);
      baselines.push(await timeStartToHealthy(build.path, emptyEnv));
      times.push(await timeStartToHealthy(build.path, fixture.env));
    }
    const ms = median(times);
    const baselineMs = median(baselines);
    return [
      {
        what: `Start-up to healthy /api/health, ${fmtInt(MILLION)} audit entries (median of ${RUNS})`,
        figure: `${fmt(ms / 1000)} s`,
        baseline: `${fmt(baselineMs / 1000)} s on an empty database`,
        ratio: baselineMs / ms,
        target: '≤ 3 s',
        pass: ms <= 3000,
      },
    ];
  } finally {
    if (!shared) fixture?.remove();
    empty.remove();
    build.remove();
  }
}

if (require.main === module) runStandalone('start-up', () => startupBench());
