import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';

/** One row of the benchmark table. `pass` is null for a figure shown for information only. */
export interface BenchResult {
  what: string;
  figure: string;
  baseline: string;
  ratio: number | null;
  target: string;
  pass: boolean | null;
}

export type Bench = () => Promise<BenchResult[]>;

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The q-quantile (0..1) of the values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Throughput and latency of one measured run: requests per second of wall time, p50 and p99. */
export interface LatencySummary {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function summariseLatencies(latencies: readonly number[], wallMs: number): LatencySummary {
  return {
    count: latencies.length,
    perSecond: wallMs > 0 ? latencies.length / (wallMs / 1000) : Number.NaN,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

export const fmt = (value: number, digits = 2): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const fmtInt = (value: number): string => Math.round(value).toLocaleString('en-US');

function verdict(pass: boolean | null): string {
  if (pass === null) return 'info';
  return pass ? 'pass' : 'FAIL';
}

/** A Markdown table, so that a run can be pasted into docs/performance.md as it is. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['what', 'figure', 'baseline', 'ratio', 'target', 'pass/fail'];
  const rows = results.map((r) => [
    r.what,
    r.figure,
    r.baseline,
    r.ratio === null ? '—' : fmt(r.ratio),
    r.target,
    verdict(r.pass),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machineDescription(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) model = match[1].trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return `${cpus().length} cores (nproc), ${model}, Node ${process.version}, ${process.platform}`;
}

export function failed(results: readonly BenchResult[]): boolean {
  return results.some((r) => r.pass === false);
}

/** A benchmark that could not run at all is a failed row, not a crash of the whole run. */
export function errorRow(what: string, error: unknown): BenchResult {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    what,
    figure: `error: ${message}`,
    baseline: '—',
    ratio: null,
    target: '—',
    pass: false,
  };
}

/**
 * A row that could not be measured on this machine for a reason outside the code (no PostgreSQL
 * installed): shown, but neither a pass nor a failure.
 */
export function skippedRow(what: string, why: string): BenchResult {
  return { what, figure: `skipped: ${why}`, baseline: '—', ratio: null, target: '—', pass: null };
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs one benchmark file on its own: prints its table and sets the exit status. */
export function runStandalone(name: string, bench: Bench): void {
  bench()
    .catch((error: unknown) => {
      console.error(error);
      return [errorRow(name, error)];
    })
    .then((results) => {
      console.log(`\n${machineDescription()}\n`);
      console.log(formatTable(results));
      process.exitCode = failed(results) ? 1 : 0;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
