import { join } from 'node:path';
import { Requirement } from './traceability';
import {
  JestJsonResult,
  outcomesOf,
  renderValidationReport,
  ValidationContext,
  ValidationReport,
  verdictOf,
} from './validation-report';

const ROOT = '/repo';

const REQUIREMENTS: Requirement[] = [
  {
    clause: '21 CFR 11.50',
    summary: 'Who signed, when, and what it means.',
    tests: [
      { file: 'test/unblinding.e2e-spec.ts', name: 'records the signature', mechanism: 'src/u.ts' },
      {
        file: 'src/a.spec.ts',
        name: 'escapes <script>alert("x")</script> & more',
        mechanism: 'src/a.ts',
      },
    ],
  },
  {
    clause: 'EU Annex 11 §14',
    summary: 'Bound to its record.',
    tests: [{ file: 'src/a.spec.ts', name: 'binds it', mechanism: 'src/a.ts' }],
  },
];

function jestResult(
  statuses: Record<string, string>,
  extra: JestJsonResult['testResults'][number]['assertionResults'] = [],
): JestJsonResult {
  const assertion = (title: string) => ({
    title,
    fullName: `suite ${title}`,
    status: statuses[title] ?? 'passed',
    duration: 1500,
    failureMessages:
      statuses[title] === 'failed' ? ['\u001b[31mExpected 200, got 500\u001b[39m'] : [],
  });
  return {
    testResults: [
      {
        name: join(ROOT, 'test/unblinding.e2e-spec.ts'),
        assertionResults: [assertion('records the signature'), ...extra],
      },
      {
        name: join(ROOT, 'src/a.spec.ts'),
        assertionResults: [
          assertion('escapes <script>alert("x")</script> & more'),
          assertion('binds it'),
        ],
      },
    ],
  };
}

const CONTEXT: ValidationContext = {
  run: {
    startedAt: '2026-12-02T16:00:00.000Z',
    finishedAt: '2026-12-02T16:05:00.000Z',
    durationMs: 300_000,
    command: 'npm run validate',
  },
  version: { commit: '0123456789abcdef0123456789abcdef01234567', clean: true, changes: [] },
  environment: {
    node: 'v20.19.0',
    os: 'Linux 6.1 x64',
    database: 'SQLite 3.49 (better-sqlite3 12.6.2)',
    jest: 'jest 30.2.0',
    host: 'qa-1',
  },
  trial: {
    file: 'config/trials/nct02286011.json',
    protocolId: 'NCT02286011',
    definitionHash: 'ab'.repeat(32),
  },
  installation: { kind: 'none' },
};

function report(jest: JestJsonResult, context: Partial<ValidationContext> = {}): ValidationReport {
  return { ...CONTEXT, ...context, ...outcomesOf(REQUIREMENTS, jest, ROOT) };
}

/** The text of the page before the first requirement: what a reader sees on its first page. */
function firstPage(html: string): string {
  return html.slice(0, html.indexOf('<h2>Version</h2>'));
}

describe(renderValidationReport.name, () => {
  it('says PASSED in the banner when every test passed, and never FAILED', () => {
    const html = renderValidationReport(report(jestResult({})));
    expect(firstPage(html)).toMatch(/class="banner passed"[^]*<p class="verdict">PASSED<\/p>/);
    expect(html).not.toMatch(/FAILED|FAIL</);
  });

  it('marks the report FAILED on its first page, naming the failed test, when one test failed', () => {
    const r = report(jestResult({ 'binds it': 'failed' }));
    expect(verdictOf(r)).toBe('FAILED');
    const html = renderValidationReport(r);
    const first = firstPage(html);
    expect(first).toMatch(/class="banner failed" role="alert">\s*<p class="verdict">FAILED<\/p>/);
    expect(first).toContain('FAILED: src/a.spec.ts › binds it');
    expect(html).toMatch(/<title>Validation report FAILED/);
    // The failure message, without its terminal colours, under the test.
    expect(html).toContain('Expected 200, got 500');
    expect(html).not.toContain('\u001b');
  });

  it('marks it FAILED when a test of the same file that the matrix does not name failed', () => {
    const r = report(
      jestResult({}, [{ title: 'another test', fullName: 'suite another test', status: 'failed' }]),
    );
    expect(verdictOf(r)).toBe('FAILED');
    expect(firstPage(renderValidationReport(r))).toContain(
      'FAILED (not in the matrix): test/unblinding.e2e-spec.ts › suite another test',
    );
  });

  it('calls a run INCOMPLETE, not PASSED, when a named test did not run', () => {
    const jest = jestResult({});
    jest.testResults[0].assertionResults = [];
    const r = report(jest);
    expect(r.requirements[0].tests[0]).toMatchObject({ status: 'not run', durationMs: null });
    expect(verdictOf(r)).toBe('INCOMPLETE');
    expect(firstPage(renderValidationReport(r))).toContain(
      'NOT RUN: test/unblinding.e2e-spec.ts › records the signature',
    );
  });

  it('counts a suite that failed before its tests as failed, with its message', () => {
    const jest = jestResult({});
    jest.testResults[0] = {
      name: join(ROOT, 'test/unblinding.e2e-spec.ts'),
      message: 'beforeAll: listen EADDRINUSE',
      assertionResults: [],
    };
    const r = report(jest);
    expect(r.requirements[0].tests[0]).toMatchObject({ status: 'failed' });
    expect(renderValidationReport(r)).toContain('beforeAll: listen EADDRINUSE');
  });

  it('lists every requirement with each of its tests, result and time', () => {
    const html = renderValidationReport(report(jestResult({})));
    for (const requirement of REQUIREMENTS) {
      expect(html).toContain(`<span class="clause">${requirement.clause}</span>`);
      expect(html).toContain(requirement.summary);
    }
    expect(html.match(/<td class="status passed">PASS<\/td>/g)).toHaveLength(3);
    expect(html).toContain('<td class="time">1.50 s</td>');
  });

  it('escapes test names and every other value it prints', () => {
    const html = renderValidationReport(
      report(jestResult({}), {
        version: { commit: 'abc', clean: false, changes: ['M src/<b>.ts'] },
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('escapes &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('<strong>NOT clean</strong>: <code>M src/&lt;b&gt;.ts</code>');
  });

  it('gives the version, environment, trial hash, and the list commitment or "no list"', () => {
    const none = renderValidationReport(report(jestResult({})));
    for (const fact of [
      CONTEXT.version.commit,
      'clean',
      'v20.19.0',
      'Linux 6.1 x64',
      'SQLite 3.49 (better-sqlite3 12.6.2)',
      CONTEXT.trial.definitionHash,
    ]) {
      expect(none).toContain(fact);
    }
    expect(none).toContain('no list (no installation named');
    const read = renderValidationReport(
      report(jestResult({}), {
        installation: {
          kind: 'read',
          database: '/srv/trial/trial.sqlite',
          trial: { protocolId: 'NCT02286011', definitionHash: 'cd'.repeat(32), lockedAt: null },
          list: {
            method: 'permuted-blocks',
            commitment: 'ef'.repeat(32),
            generatedAt: '2026-11-01T09:00:00.000Z',
          },
        },
      }),
    );
    expect(read).toContain('ef'.repeat(32));
    expect(read).toContain('NOT the trial file’s');
  });
});
