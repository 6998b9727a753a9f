import { allocationBench } from './allocation.bench';
import { auditVerifyBench } from './audit-verify.bench';
import { csvExportBench } from './csv-export.bench';
import { exportLoadBench } from './export-load.bench';
import { listGenerationBench } from './list-generation.bench';
import { postgresBench } from './postgres.bench';
import { startupBench } from './startup.bench';
import { webBuildBench } from './web-build.bench';
import { AuditDatabase, MILLION, prepareAuditDatabase } from './support/audit-fixture';
import {
  BenchResult,
  errorRow,
  failed,
  formatTable,
  machineDescription,
  nowMs,
  progress,
} from './support/report';

/**
 * `npm run bench`: every benchmark, one after the other (never two at once: they share the two
 * cores), then one table. Exits 1 when a target is missed or a benchmark could not run.
 */
async function main(): Promise<void> {
  const started = nowMs();
  const results: BenchResult[] = [];
  const attempt = async (what: string, bench: () => Promise<BenchResult[]>) => {
    try {
      results.push(...(await bench()));
    } catch (error) {
      console.error(error);
      results.push(errorRow(what, error));
    }
  };

  // Allocation first: its clients run in this process, and the million entries the audit
  // verification builds would otherwise leave garbage whose collection pauses them.
  await attempt('Allocation', allocationBench);
  await attempt('List generation', listGenerationBench);
  await attempt('Web interface', webBuildBench);
  await attempt('Audit verification', () => auditVerifyBench());

  // The CSV export and the start-up share one database of 1,000,000 entries: filling it is slow.
  let auditDatabase: AuditDatabase | undefined;
  try {
    auditDatabase = await prepareAuditDatabase(MILLION);
  } catch (error) {
    console.error(error);
    results.push(errorRow('1,000,000-entry audit database', error));
  }
  if (auditDatabase) {
    const shared = auditDatabase;
    try {
      await attempt('CSV export', () => csvExportBench(shared));
      await attempt('Start-up', () => startupBench(shared));
    } finally {
      shared.remove();
    }
  }

  // Its own database: allocations need participants, and the shared one must stay as filled.
  await attempt('Export under load', exportLoadBench);

  // Last: its own throwaway cluster, or rows that say why it was skipped (no PostgreSQL here).
  await attempt('PostgreSQL', postgresBench);

  progress(`all benchmarks done in ${((nowMs() - started) / 1000).toFixed(0)} s`);
  console.log(`\n${machineDescription()}\n`);
  console.log(formatTable(results));
  process.exitCode = failed(results) ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
