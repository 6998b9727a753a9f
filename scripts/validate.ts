/**
 * `npm run validate`: the operational qualification run (docs/compliance.md, "The validation
 * report"). Runs every test file the traceability matrix names, in full, and writes
 * validation-report.html, and validation-report.pdf where Chromium is installed.
 * Exit 0 PASSED, 1 FAILED or INCOMPLETE, 2 when the run could not be made.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, hostname, release, type, version as osVersion } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  installationNamedInEnvironment,
  loadAppConfigFromEnvironment,
} from '../src/config/app-config';
import { loadTrialFile } from '../src/config/trial-file.loader';
import { readInstallationRecord } from '../src/compliance/installation-record.repository';
import { parseTraceabilityMatrix } from '../src/compliance/traceability';
import {
  InstallationRecord,
  JestJsonResult,
  outcomesOf,
  renderValidationReport,
  ValidationReport,
  verdictOf,
} from '../src/compliance/validation-report';
import { trialDefinitionHash } from '../src/trial/trial-definition-hash';

const ROOT = join(__dirname, '..');
const HTML_PATH = join(ROOT, 'validation-report.html');
const PDF_PATH = join(ROOT, 'validation-report.pdf');
const JEST_OUTPUT = join(ROOT, '.tmp', 'validation-jest.json');
const CHROMIUM_PATH = '/usr/bin/chromium';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

function packageVersion(name: string): string {
  const text = readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/** The jest projects that hold these files: src/ is unit, test/ is e2e (SQLite). */
function projectsOf(files: string[]): string[] {
  const projects = new Set(files.map((f) => (f.startsWith('src/') ? 'unit' : 'e2e')));
  return [...projects].sort();
}

async function printPdf(html: string): Promise<boolean> {
  if (!existsSync(CHROMIUM_PATH)) {
    console.warn(`validate: no Chromium at ${CHROMIUM_PATH}; only the HTML report was written`);
    return false;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: PDF_PATH, format: 'A4', printBackground: true });
    return true;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const config = loadAppConfigFromEnvironment();
  const requirements = parseTraceabilityMatrix(
    readFileSync(join(ROOT, 'docs', 'compliance.md'), 'utf8'),
  );
  const files = [...new Set(requirements.flatMap((r) => r.tests.map((t) => t.file)))].sort();
  const trial = loadTrialFile(config.trialConfigPath);
  const installation: InstallationRecord = installationNamedInEnvironment()
    ? await readInstallationRecord(config)
    : { kind: 'none' };

  // The version is read before the run, so the report names the code that was tested.
  const commit = git('rev-parse', 'HEAD');
  const changes = git('status', '--porcelain', '--untracked-files=normal')
    .split('\n')
    .filter((line) => line.trim() !== '');

  const jestArgs = [
    '--runInBand',
    '--selectProjects',
    ...projectsOf(files),
    '--json',
    `--outputFile=${JEST_OUTPUT}`,
    '--runTestsByPath',
    ...files,
  ];
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  rmSync(JEST_OUTPUT, { force: true });
  const started = new Date();
  console.log(`validate: ${requirements.length} clauses, ${files.length} test files`);
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const finished = new Date();
  if (!existsSync(JEST_OUTPUT)) {
    console.error(`validate: jest wrote no result to ${JEST_OUTPUT}; no report was made`);
    return 2;
  }
  const jest = JSON.parse(readFileSync(JEST_OUTPUT, 'utf8')) as JestJsonResult;

  const report: ValidationReport = {
    run: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      command: `jest ${jestArgs.filter((a) => !files.includes(a)).join(' ')} <${files.length} files>`,
    },
    version: { commit, clean: changes.length === 0, changes },
    environment: {
      node: process.version,
      os: `${type()} ${release()} ${arch()} (${osVersion()})`,
      host: hostname(),
      database: `SQLite ${sqliteVersion()} through better-sqlite3 ${packageVersion('better-sqlite3')} (the e2e suites' default database)`,
      jest: `jest ${packageVersion('jest')}, ts-jest ${packageVersion('ts-jest')}`,
    },
    trial: {
      file: config.trialConfigPath,
      protocolId: trial.protocolId,
      definitionHash: trialDefinitionHash(trial),
    },
    installation,
    ...outcomesOf(requirements, jest, ROOT),
  };
  const html = renderValidationReport(report);
  writeFileSync(HTML_PATH, html);
  const pdf = await printPdf(html);
  const verdict = verdictOf(report);
  console.log(
    `validate: ${verdict} in ${(report.run.durationMs / 1000).toFixed(0)} s; wrote ${HTML_PATH}` +
      (pdf ? ` and ${PDF_PATH}` : ''),
  );
  return verdict === 'PASSED' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`validate: ${(error as Error).message}`);
    process.exit(2);
  },
);
