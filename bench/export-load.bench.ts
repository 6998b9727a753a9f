import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../test/support/test-app';
import { eligibleAnswers, nctTrial } from '../test/support/trial-fixtures';
import { fillAuditTable, MILLION } from './support/audit-fixture';
import { createUser, expectStatus, forEachConcurrently, httpJson, login } from './support/http';
import {
  BenchResult,
  fmt,
  fmtInt,
  nowMs,
  progress,
  quantile,
  runStandalone,
} from './support/report';
import { benchEnv, benchTempDir, ROOT, startBenchServer } from './support/server';

/** Participants registered: enough for the quiet phase and the whole loaded phase. */
const PARTICIPANTS = 4000;
const QUIET_ALLOCATIONS = 300;
const SEED = 'bench-export-load-seed';

/** Downloads a response at full speed, keeping nothing; resolves with the status. */
function drain(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, headers: { Authorization: token } }, (res) => {
      res.on('data', () => undefined);
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/**
 * Allocation latency while a monitor downloads a 1,000,000-entry export at full speed and then
 * verifies the chain, against the quiet latency of the same server in the same run. One client
 * allocates one participant after another in both phases, so the figures compare like with like.
 */
export async function exportLoadBench(): Promise<BenchResult[]> {
  const dir = benchTempDir('export-load');
  try {
    const trialFile = join(dir.path, 'trial.json');
    const trialJson = JSON.parse(
      readFileSync(join(ROOT, 'config', 'trials', 'nct02286011.json'), 'utf8'),
    ) as Record<string, unknown>;
    writeFileSync(trialFile, JSON.stringify({ ...trialJson, targetSize: PARTICIPANTS }));
    const env = benchEnv(join(dir.path, 'data'), { TRIAL_CONFIG: trialFile });
    const answers = eligibleAnswers(nctTrial());

    progress(`export under load: registering ${fmtInt(PARTICIPANTS)} participants`);
    let server = await startBenchServer(env);
    const participantIds: string[] = [];
    try {
      const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
      await createUser(server.url, admin, 'statistician1', USER_PASSWORD, ['statistician']);
      await createUser(server.url, admin, 'pharmacist1', USER_PASSWORD, ['pharmacist']);
      await createUser(server.url, admin, 'monitor1', USER_PASSWORD, ['monitor']);
      const statistician = await login(server.url, 'statistician1', USER_PASSWORD);
      const pharmacist = await login(server.url, 'pharmacist1', USER_PASSWORD);
      await expectStatus(
        httpJson('POST', `${server.url}/api/randomization-list`, statistician, { seed: SEED }),
        201,
        'generate the list',
      );
      await forEachConcurrently(PARTICIPANTS, 16, async (i) => {
        const answer = await expectStatus(
          httpJson('POST', `${server.url}/api/participants`, pharmacist, {
            screeningNumber: `SCR-${i + 1}`,
            age: 50,
            eligibility: answers,
          }),
          201,
          `register ${i + 1}`,
        );
        participantIds[i] = (answer.body as { participantId: string }).participantId;
      });
    } finally {
      await server.stop();
    }
    progress(`export under load: filling the audit log to ${fmtInt(MILLION)} entries`);
    fillAuditTable(env.DATABASE_PATH, MILLION);

    server = await startBenchServer(env);
    try {
      const pharmacist = await login(server.url, 'pharmacist1', USER_PASSWORD);
      const monitor = await login(server.url, 'monitor1', USER_PASSWORD);
      let next = 0;
      let failures = 0;
      const allocateNext = async (): Promise<number> => {
        const id = participantIds[next];
        next += 1;
        const t0 = nowMs();
        const answer = await httpJson(
          'POST',
          `${server.url}/api/participants/${id}/allocation`,
          pharmacist,
        );
        if (answer.status !== 201) failures += 1;
        return nowMs() - t0;
      };

      progress(`export under load: ${QUIET_ALLOCATIONS} quiet allocations`);
      const quiet: number[] = [];
      for (let i = 0; i < QUIET_ALLOCATIONS; i += 1) quiet.push(await allocateNext());

      progress('export under load: full-speed JSON export of the log, then verify, allocating');
      let busy = true;
      const started = nowMs();
      const reads = (async () => {
        try {
          const exported = await drain(`${server.url}/api/audit-log?format=json`, monitor);
          const verified = await httpJson('GET', `${server.url}/api/audit-log/verify`, monitor);
          return { exported, verified: verified.status };
        } finally {
          busy = false;
        }
      })();
      const loaded: number[] = [];
      while (busy && next < participantIds.length) loaded.push(await allocateNext());
      const outcome = await reads;
      const readsMs = nowMs() - started;
      if (outcome.exported !== 200 || outcome.verified !== 200)
        throw new Error(`export ${outcome.exported}, verify ${outcome.verified}`);
      if (busy) throw new Error('participants ran out before the export and verify ended');

      const quietP99 = quantile(quiet, 0.99);
      const loadedP99 = quantile(loaded, 0.99);
      const ratio = loadedP99 / quietP99;
      return [
        {
          what: `Allocation p99 during a full-speed export of ${fmtInt(MILLION)} entries + verify`,
          figure: `${fmt(loadedP99, 1)} ms (${fmtInt(loaded.length)} allocations in ${fmt(readsMs / 1000, 1)} s, ${failures} failed)`,
          baseline: `${fmt(quietP99, 1)} ms quiet p99 (${QUIET_ALLOCATIONS} allocations)`,
          ratio,
          target: '≤ 3× quiet, 0 failed',
          pass: ratio <= 3 && failures === 0,
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    dir.remove();
  }
}

if (require.main === module) runStandalone('export under load', exportLoadBench);
