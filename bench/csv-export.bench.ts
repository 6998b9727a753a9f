import { spawn } from 'node:child_process';
import { USER_PASSWORD } from '../test/support/test-app';
import { AuditDatabase, MILLION, MONITOR, prepareAuditDatabase } from './support/audit-fixture';
import { countLines, Drained, drainHttp, login } from './support/http';
import { BenchResult, fmt, fmtInt, nowMs, progress, runStandalone } from './support/report';
import { ensureSqlite3, procMemory, startBenchServer } from './support/server';

/** `sqlite3 -csv -header db 'SELECT * FROM audit_entries'`, its output counted and dropped. */
function drainSqlite3(sqlite3: string, dbPath: string): Promise<Drained> {
  return new Promise((resolve, reject) => {
    const child = spawn(sqlite3, ['-csv', '-header', dbPath, 'SELECT * FROM audit_entries'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let bytes = 0;
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      lines += countLines(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ bytes, lines, status: code ?? -1 }));
  });
}

const MiB = 1024;

/**
 * GET /api/audit-log?format=csv of a 1,000,000-entry log, as a monitor, from a server in a child
 * process: seconds, and its resident memory sampled every 20 ms during the export. Baseline: the
 * sqlite3 command line's CSV of the same table.
 */
export async function csvExportBench(shared?: AuditDatabase): Promise<BenchResult[]> {
  const sqlite3 = ensureSqlite3();
  const fixture = shared ?? (await prepareAuditDatabase(MILLION));
  try {
    progress('csv export: sqlite3 -csv baseline');
    let started = nowMs();
    const reference = await drainSqlite3(sqlite3, fixture.dbPath);
    const baselineMs = nowMs() - started;
    if (reference.status !== 0) throw new Error(`sqlite3 exited with ${reference.status}`);

    const server = await startBenchServer(fixture.env);
    try {
      const pid = server.child.pid;
      if (pid === undefined) throw new Error('the server has no pid');
      const token = await login(server.url, MONITOR, USER_PASSWORD);
      const before = procMemory(pid);
      let peakRss = before.rssKiB;
      const sampler = setInterval(() => {
        try {
          peakRss = Math.max(peakRss, procMemory(pid).rssKiB);
        } catch {
          // the process is gone: the export will fail and say so
        }
      }, 20);
      progress('csv export: GET /api/audit-log?format=csv');
      started = nowMs();
      let drained: Drained;
      try {
        drained = await drainHttp(`${server.url}/api/audit-log?format=csv`, token);
      } finally {
        clearInterval(sampler);
      }
      const exportMs = nowMs() - started;
      const after = procMemory(pid);
      peakRss = Math.max(peakRss, after.rssKiB);
      if (drained.status !== 200) throw new Error(`export answered ${drained.status}`);
      // One line per entry plus the header; the export adds its own sign-in and AUDIT_EXPORTED.
      if (drained.lines < reference.lines) {
        throw new Error(`export has ${drained.lines} lines, sqlite3 ${reference.lines}`);
      }
      const growthMiB = (peakRss - before.rssKiB) / MiB;
      const ratio = baselineMs / exportMs;
      const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
      return [
        {
          what: `CSV export over HTTP, ${fmtInt(drained.lines - 1)} entries`,
          figure: `${fmt(exportMs / 1000)} s (${fmt(mbps(drained.bytes, exportMs), 1)} MB/s)`,
          baseline: `${fmt(baselineMs / 1000)} s (${fmt(mbps(reference.bytes, baselineMs), 1)} MB/s), sqlite3 -csv`,
          ratio,
          target: 'ratio ≥ 0.3',
          pass: ratio >= 0.3,
        },
        {
          what: 'CSV export: server memory growth (peak RSS − RSS before)',
          figure: `${fmt(growthMiB, 1)} MiB (peak ${fmt(peakRss / MiB, 0)} MiB)`,
          baseline: `RSS before ${fmt(before.rssKiB / MiB, 0)} MiB, VmHWM after ${fmt(after.hwmKiB / MiB, 0)} MiB`,
          ratio: null,
          target: '≤ 100 MB',
          pass: growthMiB * 1.048576 <= 100,
        },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    if (!shared) fixture.remove();
  }
}

if (require.main === module) runStandalone('csv export', () => csvExportBench());
