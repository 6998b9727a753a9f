/**
 * The traceability matrix of docs/compliance.md, read as data: which clause each test proves.
 * The matrix is the one source of requirement tags: `npm run validate` runs exactly the test
 * files it names and reports the tests it names, and traceability.spec.ts fails when a named
 * test no longer exists. Pure functions: text in, data out.
 */

/** One named test: the spec file (relative to the repository) and its exact it()/test() name. */
export interface TracedTest {
  file: string;
  name: string;
  /** The file that implements what the test proves. */
  mechanism: string;
}

export interface Requirement {
  /** The clause as cited, e.g. "21 CFR 11.10(a)". */
  clause: string;
  /** What the clause asks, in the project's own words. */
  summary: string;
  tests: TracedTest[];
}

export const MATRIX_START = '<!-- traceability:start -->';
export const MATRIX_END = '<!-- traceability:end -->';

export class MatrixError extends Error {
  constructor(line: number, problem: string) {
    super(`docs/compliance.md line ${line}: ${problem}`);
    this.name = 'MatrixError';
  }
}

/** Splits a Markdown table row on the pipes that are not escaped as `\|`. */
function cellsOf(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === '\\' && inner[i + 1] === '|') {
      cell += '|';
      i += 1;
    } else if (inner[i] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += inner[i];
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** `path` (a single code span), as the mechanism cell gives it. */
function codeSpan(cell: string, line: number, what: string): string {
  const match = /^`([^`]+)`$/.exec(cell);
  if (!match) throw new MatrixError(line, `the ${what} must be one \`path\`, got "${cell}"`);
  return match[1];
}

/** `path` › `test name`: the machine-readable form of the test column. */
const TEST_CELL = /^`([^`]+)` › `([^`]+)`$/;

/**
 * Reads the matrix between MATRIX_START and MATRIX_END: a table of
 * | Clause | In our words | Mechanism | Test |, where a row with an empty clause cell adds a test
 * to the clause above it. Anything malformed is refused with its line, never skipped.
 */
export function parseTraceabilityMatrix(markdown: string): Requirement[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === MATRIX_START);
  const end = lines.findIndex((l) => l.trim() === MATRIX_END);
  if (start < 0 || end < start) {
    throw new MatrixError(1, `no matrix between ${MATRIX_START} and ${MATRIX_END}`);
  }
  const requirements: Requirement[] = [];
  let headerSeen = false;
  for (let index = start + 1; index < end; index += 1) {
    const text = lines[index];
    const line = index + 1;
    if (!text.trim().startsWith('|')) continue;
    const cells = cellsOf(text);
    if (!headerSeen) {
      if (cells.join('|').toLowerCase() !== 'clause|in our words|mechanism|test') {
        throw new MatrixError(
          line,
          'the header must be | Clause | In our words | Mechanism | Test |',
        );
      }
      headerSeen = true;
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (cells.length !== 4) throw new MatrixError(line, `expected 4 cells, got ${cells.length}`);
    const [clause, summary, mechanismCell, testCell] = cells;
    const test = TEST_CELL.exec(testCell);
    if (!test) {
      throw new MatrixError(
        line,
        `the test must read \`file\` › \`exact test name\`, got "${testCell}"`,
      );
    }
    const traced: TracedTest = {
      file: test[1],
      name: test[2],
      mechanism: codeSpan(mechanismCell, line, 'mechanism'),
    };
    if (clause !== '') {
      if (summary === '') throw new MatrixError(line, `clause ${clause} has no words of ours`);
      if (requirements.some((r) => r.clause === clause)) {
        throw new MatrixError(
          line,
          `clause ${clause} is listed twice; add its tests under the first`,
        );
      }
      requirements.push({ clause, summary, tests: [traced] });
      continue;
    }
    const current = requirements.at(-1);
    if (!current) throw new MatrixError(line, 'a continuation row before any clause');
    if (summary !== '') throw new MatrixError(line, 'a continuation row has words but no clause');
    if (current.tests.some((t) => t.file === traced.file && t.name === traced.name)) {
      throw new MatrixError(line, `"${traced.name}" is named twice under ${current.clause}`);
    }
    current.tests.push(traced);
  }
  if (requirements.length === 0) throw new MatrixError(start + 1, 'the matrix has no rows');
  return requirements;
}

/** How a test is declared: only `plain` ones (it('…') / test('…')) can be named in the matrix. */
export type DeclarationKind = 'plain' | 'modified' | 'computed';

export interface TestDeclaration {
  /** The literal name, or the template's raw text for a computed one. */
  name: string;
  kind: DeclarationKind;
}

/** Reads a quoted literal that starts at `source[at]`; undefined when unterminated. */
function readLiteral(source: string, at: number): { value: string; end: number } | undefined {
  const quote = source[at];
  let value = '';
  for (let i = at + 1; i < source.length; i += 1) {
    const c = source[i];
    if (c === quote) return { value, end: i + 1 };
    if (c === '\n' && quote !== '`') return undefined;
    if (c === '\\') {
      const next = source[i + 1];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
      value += escapes[next] ?? next;
      i += 1;
      continue;
    }
    value += c;
  }
  return undefined;
}

/**
 * The tests a spec file declares, found by reading its source: `it(` or `test(` followed (after
 * any white space) by a string literal. A template literal with `${…}` is `computed` (its name is
 * only known when it runs, so the matrix cannot name it); it.skip, it.only, it.todo, it.each and
 * the like are `modified`: a skipped or generated test proves nothing by its name.
 */
export function testDeclarations(source: string): TestDeclaration[] {
  const found: TestDeclaration[] = [];
  const call = /(?<![\w.$])(?:it|test)((?:\.\w+)*)\s*\(\s*(['"`])/g;
  for (let match = call.exec(source); match; match = call.exec(source)) {
    const quoteAt = match.index + match[0].length - 1;
    const literal = readLiteral(source, quoteAt);
    if (!literal) continue;
    const computed = match[2] === '`' && /\$\{/.test(source.slice(quoteAt, literal.end));
    const kind: DeclarationKind = computed ? 'computed' : match[1] !== '' ? 'modified' : 'plain';
    found.push({ name: literal.value, kind });
  }
  return found;
}

/** Why a named test does not stand in its file's source; undefined when it does. */
export function missingTestProblem(source: string, name: string): string | undefined {
  const declarations = testDeclarations(source).filter((d) => d.name === name);
  if (declarations.some((d) => d.kind === 'plain')) return undefined;
  if (declarations.some((d) => d.kind === 'computed')) {
    return `"${name}" is a template literal computed when it runs; name a test with a literal name`;
  }
  if (declarations.length > 0) {
    return `"${name}" is declared only with a modifier (it.skip, it.only, it.each…), which the matrix cannot rely on`;
  }
  return `no it('…') or test('…') named "${name}"`;
}
