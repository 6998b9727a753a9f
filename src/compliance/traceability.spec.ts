import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MATRIX_END,
  MATRIX_START,
  missingTestProblem,
  parseTraceabilityMatrix,
  testDeclarations,
} from './traceability';

const ROOT = join(__dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'compliance.md'), 'utf8');

/** The clauses issue 16 asks the matrix to cover, each with at least one test. */
const REQUIRED_CLAUSES = [
  '21 CFR 11.10(a)',
  '21 CFR 11.10(b)',
  '21 CFR 11.10(c)',
  '21 CFR 11.10(d)',
  '21 CFR 11.10(e)',
  '21 CFR 11.10(g)',
  '21 CFR 11.10(k)',
  '21 CFR 11.50',
  '21 CFR 11.70',
  '21 CFR 11.200',
  '21 CFR 11.300',
  'ICH E6(R3) unblinding',
  'ICH E6(R3) lock',
  'ICH E6(R3) audit trail',
  'EU Annex 11 §7',
  'EU Annex 11 §9',
  'EU Annex 11 §12',
  'EU Annex 11 §14',
];

/** A spec file's path must be one jest runs in the unit or e2e project. */
const RUNNABLE = /^(src\/.+\.spec\.ts|test\/.+\.e2e-spec\.ts)$/;

function matrix(rows: string[]): string {
  return [
    MATRIX_START,
    '| Clause | In our words | Mechanism | Test |',
    '| --- | --- | --- | --- |',
    ...rows,
    MATRIX_END,
  ].join('\n');
}

describe('docs/compliance.md traceability matrix', () => {
  const requirements = parseTraceabilityMatrix(DOC);

  it('covers every clause the issue names, each with at least one test', () => {
    expect(requirements.map((r) => r.clause)).toEqual(REQUIRED_CLAUSES);
    for (const requirement of requirements) expect(requirement.tests.length).toBeGreaterThan(0);
  });

  it('names only test files and tests that exist, each declared by its literal name', () => {
    const problems: string[] = [];
    for (const { clause, tests } of requirements) {
      for (const test of tests) {
        const path = join(ROOT, test.file);
        if (!RUNNABLE.test(test.file)) {
          problems.push(`${clause}: ${test.file} is not a spec file jest runs`);
        } else if (!existsSync(path)) {
          problems.push(`${clause}: ${test.file} does not exist`);
        } else {
          const problem = missingTestProblem(readFileSync(path, 'utf8'), test.name);
          if (problem) problems.push(`${clause}: ${test.file}: ${problem}`);
        }
        if (!existsSync(join(ROOT, test.mechanism))) {
          problems.push(`${clause}: mechanism ${test.mechanism} does not exist`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe(parseTraceabilityMatrix.name, () => {
  it('reads a clause with its tests, continuation rows included, and escaped pipes', () => {
    const parsed = parseTraceabilityMatrix(
      matrix([
        '| 21 CFR 11.50 | Who, when, meaning. | `src/a.ts` | `src/a.spec.ts` › `records a \\| b` |',
        '| | | `src/b.ts` | `test/b.e2e-spec.ts` › `second` |',
        '| 21 CFR 11.70 | Bound. | `src/c.ts` | `src/c.spec.ts` › `third` |',
      ]),
    );
    expect(parsed).toEqual([
      {
        clause: '21 CFR 11.50',
        summary: 'Who, when, meaning.',
        tests: [
          { file: 'src/a.spec.ts', name: 'records a | b', mechanism: 'src/a.ts' },
          { file: 'test/b.e2e-spec.ts', name: 'second', mechanism: 'src/b.ts' },
        ],
      },
      {
        clause: '21 CFR 11.70',
        summary: 'Bound.',
        tests: [{ file: 'src/c.spec.ts', name: 'third', mechanism: 'src/c.ts' }],
      },
    ]);
  });

  it('refuses a test cell not in the `file` › `name` form, naming the line', () => {
    expect(() =>
      parseTraceabilityMatrix(matrix(['| X | Y. | `src/a.ts` | src/a.spec.ts: some test |'])),
    ).toThrow(/line 4: the test must read/);
  });

  it('refuses a clause listed twice, a continuation first and a missing matrix', () => {
    const row = '| X | Y. | `src/a.ts` | `src/a.spec.ts` › `t` |';
    expect(() => parseTraceabilityMatrix(matrix([row, row.replace('`t`', '`u`')]))).toThrow(
      /listed twice/,
    );
    expect(() =>
      parseTraceabilityMatrix(matrix(['| | | `src/a.ts` | `src/a.spec.ts` › `t` |'])),
    ).toThrow(/continuation row before any clause/);
    expect(() => parseTraceabilityMatrix('# nothing here')).toThrow(/no matrix/);
    expect(() => parseTraceabilityMatrix(matrix([]))).toThrow(/no rows/);
  });
});

describe(testDeclarations.name, () => {
  const source = [
    "describe('x', () => {",
    "  it('plain single', () => {});",
    '  it("it\'s double", () => {});',
    '  test(',
    "    'spread over lines',",
    '    async () => {},',
    '  );',
    '  it(`a template without placeholders`, () => {});',
    '  it(`runs ${ROUNDS} kills`, () => {});',
    "  it.skip('skipped one', () => {});",
    "  it.each([1])('each %s', () => {});",
    "  const notATest = submit('it(\\'fake\\')');",
    "  obj.it('method call', () => {});",
    '});',
  ].join('\n');

  it('finds literal names in single, double and template quotes, over several lines', () => {
    const plain = testDeclarations(source)
      .filter((d) => d.kind === 'plain')
      .map((d) => d.name);
    expect(plain).toEqual([
      'plain single',
      "it's double",
      'spread over lines',
      'a template without placeholders',
    ]);
  });

  it('marks computed and modified names, so the matrix cannot rely on them', () => {
    expect(missingTestProblem(source, 'runs ${ROUNDS} kills')).toMatch(/computed when it runs/);
    expect(missingTestProblem(source, 'skipped one')).toMatch(/only with a modifier/);
    expect(missingTestProblem(source, 'method call')).toMatch(/no it\('…'\)/);
    expect(missingTestProblem(source, 'plain single')).toBeUndefined();
    expect(missingTestProblem(source, 'plain')).toMatch(/no it\('…'\)/);
  });
});
