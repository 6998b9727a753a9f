import { execFileSync } from 'node:child_process';
import { FIRST_PAGE_LIMIT_BYTES, firstPageWeight } from '../src/web-interface/page-weight';
import { WEB_ROOT } from '../src/web-interface/web-interface';
import { BenchResult, fmt, fmtInt, nowMs, progress, runStandalone } from './support/report';
import { ROOT } from './support/server';

/**
 * Issue 13's two figures for the interface: `npm run build:web` under a minute on this machine
 * (timed here, never in a test), and a first page of at most 300 kB gzipped.
 */
export function webBuildBench(): Promise<BenchResult[]> {
  progress('web interface: build and first-page weight');
  const started = nowMs();
  execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
  const seconds = (nowMs() - started) / 1000;
  const weight = firstPageWeight(WEB_ROOT);
  return Promise.resolve([
    {
      what: 'Web interface build (npm run build:web)',
      figure: `${fmt(seconds, 1)} s`,
      baseline: '60 s target',
      ratio: 60 / seconds,
      target: '≤ 60 s',
      pass: seconds <= 60,
    },
    {
      what: `First page, gzipped (${weight.files.length} files)`,
      figure: `${fmtInt(Math.round(weight.gzipBytes / 1024))} kB`,
      baseline: '300 kB target',
      ratio: FIRST_PAGE_LIMIT_BYTES / weight.gzipBytes,
      target: '≤ 300 kB',
      pass: weight.gzipBytes <= FIRST_PAGE_LIMIT_BYTES,
    },
  ]);
}

if (require.main === module) runStandalone('web build', webBuildBench);
