import { relative } from 'node:path';
import { Requirement, TracedTest } from './traceability';

/**
 * The operational qualification report of `npm run validate`: jest's JSON result and the facts
 * of the run in, one self-contained HTML page out (printed to PDF by Chromium). Pure: the
 * script gathers the facts, these functions only read them.
 */

/** The part of jest's --json output this report reads. */
export interface JestJsonResult {
  testResults: {
    /** Absolute path of the test file. */
    name: string;
    /** The suite's own failure (it did not compile, a beforeAll threw…), if any. */
    message?: string;
    assertionResults: {
      title: string;
      fullName: string;
      status: string;
      duration?: number | null;
      failureMessages?: string[];
    }[];
  }[];
}

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'not run';

export interface TestOutcome extends TracedTest {
  status: TestStatus;
  /** Milliseconds, as jest measured the test; null when it did not run. */
  durationMs: number | null;
  /** The first lines of the failure, for the report; empty when it passed. */
  failure: string;
}

export interface RequirementOutcome {
  clause: string;
  summary: string;
  tests: TestOutcome[];
}

/** The tests of the same files that the matrix does not name: run too, and counted. */
export interface OtherTests {
  passed: number;
  skipped: number;
  failed: { file: string; name: string }[];
}

export type Verdict = 'PASSED' | 'FAILED' | 'INCOMPLETE';

export type InstallationRecord =
  | { kind: 'none' }
  | { kind: 'unreadable'; database: string; problem: string }
  | {
      kind: 'read';
      database: string;
      trial: { protocolId: string; definitionHash: string; lockedAt: string | null } | null;
      list: { method: string; commitment: string; generatedAt: string } | null;
    };

export interface ValidationContext {
  run: { startedAt: string; finishedAt: string; durationMs: number; command: string };
  version: { commit: string; clean: boolean; changes: string[] };
  environment: { node: string; os: string; database: string; jest: string; host: string };
  trial: { file: string; protocolId: string; definitionHash: string };
  installation: InstallationRecord;
}

export interface ValidationReport extends ValidationContext {
  requirements: RequirementOutcome[];
  others: OtherTests;
}

const FAILURE_LINES = 12;

/** ANSI colours out, the first lines kept: enough for the reader to find the failure. */
function shortFailure(messages: string[]): string {
  // eslint-disable-next-line no-control-regex
  const text = messages.join('\n').replace(/\u001b\[[0-9;]*m/g, '');
  return text.split('\n').slice(0, FAILURE_LINES).join('\n');
}

/**
 * Each requirement's tests with their results: a named test passes only when every test of that
 * name in that file passed; one that jest did not report ran nowhere ('not run').
 */
export function outcomesOf(
  requirements: Requirement[],
  jest: JestJsonResult,
  root: string,
): { requirements: RequirementOutcome[]; others: OtherTests } {
  const byFile = new Map(jest.testResults.map((r) => [relative(root, r.name), r]));
  const named = new Set<string>();
  const outcomes = requirements.map((requirement) => ({
    clause: requirement.clause,
    summary: requirement.summary,
    tests: requirement.tests.map((test): TestOutcome => {
      named.add(`${test.file}\n${test.name}`);
      const suite = byFile.get(test.file);
      const results = suite?.assertionResults.filter((a) => a.title === test.name) ?? [];
      if (results.length === 0) {
        // A suite that failed before its tests ran reports none: that is a failure, not a gap.
        const suiteFailure = suite?.message ? shortFailure([suite.message]) : '';
        return {
          ...test,
          status: suiteFailure ? 'failed' : 'not run',
          durationMs: null,
          failure: suiteFailure,
        };
      }
      const failed = results.filter((a) => a.status === 'failed');
      const status: TestStatus =
        failed.length > 0
          ? 'failed'
          : results.every((a) => a.status === 'passed')
            ? 'passed'
            : 'skipped';
      const durations = results.map((a) => a.duration ?? 0);
      return {
        ...test,
        status,
        durationMs: status === 'skipped' ? null : durations.reduce((a, b) => a + b, 0),
        failure: shortFailure(failed.flatMap((a) => a.failureMessages ?? [])),
      };
    }),
  }));
  const others: OtherTests = { passed: 0, skipped: 0, failed: [] };
  for (const [file, suite] of byFile) {
    for (const a of suite.assertionResults) {
      if (named.has(`${file}\n${a.title}`)) continue;
      if (a.status === 'passed') others.passed += 1;
      else if (a.status === 'failed') others.failed.push({ file, name: a.fullName });
      else others.skipped += 1;
    }
  }
  return { requirements: outcomes, others };
}

/** FAILED when any test of the run failed; INCOMPLETE when none did but a named one did not pass. */
export function verdictOf(report: Pick<ValidationReport, 'requirements' | 'others'>): Verdict {
  const tests = report.requirements.flatMap((r) => r.tests);
  if (report.others.failed.length > 0 || tests.some((t) => t.status === 'failed')) return 'FAILED';
  return tests.every((t) => t.status === 'passed') ? 'PASSED' : 'INCOMPLETE';
}

function requirementStatus(requirement: RequirementOutcome): TestStatus {
  const statuses = requirement.tests.map((t) => t.status);
  if (statuses.includes('failed')) return 'failed';
  if (statuses.every((s) => s === 'passed')) return 'passed';
  return statuses.includes('not run') ? 'not run' : 'skipped';
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function seconds(ms: number | null): string {
  return ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`;
}

const STATUS_WORD: Record<TestStatus, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  skipped: 'SKIPPED',
  'not run': 'NOT RUN',
};

function statusCell(status: TestStatus): string {
  return `<td class="status ${status.replace(' ', '-')}">${STATUS_WORD[status]}</td>`;
}

function bannerOf(report: ValidationReport, verdict: Verdict): string {
  const tests = report.requirements.flatMap((r) => r.tests);
  const count = (s: TestStatus) => tests.filter((t) => t.status === s).length;
  const failedNamed = tests.filter((t) => t.status === 'failed');
  const lines =
    verdict === 'PASSED'
      ? [
          `All ${tests.length} named tests passed, and the ${report.others.passed} other tests of their files.`,
        ]
      : [
          `${count('failed')} named test(s) failed, ${count('not run') + count('skipped')} did not run, ` +
            `${report.others.failed.length} other test(s) of the same files failed.`,
          ...failedNamed.map((t) => `FAILED: ${t.file} › ${t.name}`),
          ...report.others.failed.map((t) => `FAILED (not in the matrix): ${t.file} › ${t.name}`),
          ...tests
            .filter((t) => t.status === 'not run' || t.status === 'skipped')
            .map((t) => `${STATUS_WORD[t.status]}: ${t.file} › ${t.name}`),
        ];
  return `<section class="banner ${verdict.toLowerCase()}" role="alert">
  <p class="verdict">${verdict}</p>
  ${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n  ')}
</section>`;
}

function installationRows(installation: InstallationRecord, trialHash: string): string {
  const row = (k: string, v: string) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`;
  switch (installation.kind) {
    case 'none':
      return row(
        'List commitment',
        'no list (no installation named: set DATA_DIR, DATABASE_PATH or DATABASE_URL)',
      );
    case 'unreadable':
      return (
        row('Database', `<code>${escapeHtml(installation.database)}</code>`) +
        row('List commitment', `could not be read: ${escapeHtml(installation.problem)}`)
      );
    case 'read': {
      const { trial, list } = installation;
      const trialRow = trial
        ? row(
            'Trial in the database',
            `${escapeHtml(trial.protocolId)}, definition hash <code>${escapeHtml(trial.definitionHash)}</code> ` +
              (trial.definitionHash === trialHash
                ? '(the same as the trial file’s)'
                : '<strong>(NOT the trial file’s: this server would refuse to start)</strong>') +
              (trial.lockedAt ? `; locked at ${escapeHtml(trial.lockedAt)}` : '; not locked'),
          )
        : row('Trial in the database', 'none (not set up)');
      const listRow = list
        ? row(
            'List commitment',
            `<code>${escapeHtml(list.commitment)}</code> (${escapeHtml(list.method)}, generated ${escapeHtml(list.generatedAt)})`,
          )
        : row('List commitment', 'no list');
      return (
        row('Database', `<code>${escapeHtml(installation.database)}</code>`) + trialRow + listRow
      );
    }
  }
}

/** The whole report as one self-contained HTML page, A4 when printed; every value escaped. */
export function renderValidationReport(report: ValidationReport): string {
  const verdict = verdictOf(report);
  const row = (k: string, v: string) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`;
  const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
  const named = report.requirements.flatMap((r) => r.tests);
  const requirementsHtml = report.requirements
    .map((requirement) => {
      const status = requirementStatus(requirement);
      const rows = requirement.tests
        .map(
          (t) => `<tr>
      <td>${code(t.file)}<br>${escapeHtml(t.name)}${t.failure ? `<pre class="failure">${escapeHtml(t.failure)}</pre>` : ''}</td>
      <td>${code(t.mechanism)}</td>
      ${statusCell(t.status)}
      <td class="time">${seconds(t.durationMs)}</td>
    </tr>`,
        )
        .join('\n    ');
      return `<section class="requirement">
  <h3><span class="clause">${escapeHtml(requirement.clause)}</span> <span class="status-word ${status.replace(' ', '-')}">${STATUS_WORD[status]}</span></h3>
  <p>${escapeHtml(requirement.summary)}</p>
  <table class="tests">
    <thead><tr><th>Test</th><th>Mechanism</th><th>Result</th><th>Time</th></tr></thead>
    <tbody>
    ${rows}
    </tbody>
  </table>
</section>`;
    })
    .join('\n');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Validation report ${escapeHtml(verdict)} · ${escapeHtml(report.trial.protocolId)} · ${escapeHtml(report.version.commit.slice(0, 12))}</title>
<style>
  @page { size: A4; margin: 15mm; }
  body { font: 10pt/1.4 system-ui, sans-serif; color: #111; margin: 0 auto; max-width: 180mm; }
  h1 { font-size: 16pt; margin: 0 0 4mm; }
  h2 { font-size: 12pt; margin: 6mm 0 2mm; }
  h3 { font-size: 10.5pt; margin: 4mm 0 1mm; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
  table.facts th { width: 45mm; background: #f2f2f2; }
  code { font-size: 8.5pt; word-break: break-all; }
  .banner { border: 3px solid; padding: 3mm 5mm; margin: 0 0 5mm; }
  .banner p { margin: 1mm 0; }
  .banner .verdict { font-size: 28pt; font-weight: 700; letter-spacing: 0.1em; margin: 0; }
  .banner.failed { border-color: #b00000; background: #fde8e8; color: #7a0000; }
  .banner.incomplete { border-color: #9a6700; background: #fff4d6; color: #5c3d00; }
  .banner.passed { border-color: #116329; background: #e6f4ea; color: #0b3d1a; }
  .status { font-weight: 700; white-space: nowrap; }
  .failed { color: #b00000; } .passed { color: #116329; }
  .not-run, .skipped { color: #9a6700; }
  .time { white-space: nowrap; text-align: right; }
  pre.failure { white-space: pre-wrap; font-size: 8pt; color: #7a0000; margin: 1mm 0 0; }
  .requirement { break-inside: avoid; }
  .signature td { height: 12mm; }
</style>
</head>
<body>
<h1>Operational qualification: ${escapeHtml(report.trial.protocolId)} randomization and blinding service</h1>
${bannerOf(report, verdict)}
<h2>Run</h2>
<table class="facts">
  ${row('Verdict', `<strong class="${verdict.toLowerCase()}">${verdict}</strong>`)}
  ${row('Clauses', `${report.requirements.length}`)}
  ${row('Named tests', `${named.length} (${named.filter((t) => t.status === 'passed').length} passed)`)}
  ${row('Other tests of the same files', `${report.others.passed} passed, ${report.others.failed.length} failed, ${report.others.skipped} skipped`)}
  ${row('Started', escapeHtml(report.run.startedAt))}
  ${row('Finished', `${escapeHtml(report.run.finishedAt)} (${seconds(report.run.durationMs)})`)}
  ${row('Command', code(report.run.command))}
</table>
<h2>Version</h2>
<table class="facts">
  ${row('Git commit', code(report.version.commit))}
  ${row(
    'Working tree',
    report.version.clean
      ? 'clean'
      : `<strong>NOT clean</strong>: ${report.version.changes.map((c) => code(c)).join(', ')}`,
  )}
</table>
<h2>Environment</h2>
<table class="facts">
  ${row('Node.js', escapeHtml(report.environment.node))}
  ${row('Operating system', escapeHtml(report.environment.os))}
  ${row('Host', escapeHtml(report.environment.host))}
  ${row('Database the tests ran on', escapeHtml(report.environment.database))}
  ${row('Test runner', escapeHtml(report.environment.jest))}
</table>
<h2>Trial</h2>
<table class="facts">
  ${row('Trial file', code(report.trial.file))}
  ${row('Protocol', escapeHtml(report.trial.protocolId))}
  ${row('Definition hash', code(report.trial.definitionHash))}
  ${installationRows(report.installation, report.trial.definitionHash)}
</table>
<h2>Requirements</h2>
${requirementsHtml}
<h2>Review</h2>
<table class="facts signature">
  <tr><th>Run by (name, signature, date)</th><td></td></tr>
  <tr><th>Reviewed by (name, signature, date)</th><td></td></tr>
</table>
</body>
</html>
`;
}
