/** @type {import('jest').Config} */
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/**
 * End-to-end suites that run a second time on PostgreSQL (project e2e-postgres: each file gets a
 * throwaway cluster, test/support/postgres.ts): 29 suites. The 12 from auth-and-users on add
 * about 2.5 minutes there (jest --runInBand, on a loaded 2-core machine).
 * POSTGRES_E2E=all runs every e2e suite there, and every one passes or skips: a test about the
 * SQLite file itself is describeOnSqliteFile/itOnSqliteFile (test/support/test-app.ts).
 * Left out: crash-recovery (its 20-kill soak takes about 9 minutes on PostgreSQL); the suites
 * whose own server processes run on a SQLite file whatever the project (multi-process,
 * backup-restore, file-permissions, audit-export-yield, list-simulation-yield,
 * start-from-build); storage-faults (all SQLite's file); the ones that
 * start PostgreSQL themselves and so already run in e2e (schema-parity, postgres-startup,
 * postgres-concurrency, backup-postgres, nginx-deployment, bench-postgres-fill); and
 * openapi-document and startup-log, which do not depend on the database.
 */
const ON_POSTGRES = [
  'participants-and-allocation',
  'unblinding',
  'audit-log',
  'access-matrix',
  'api-additions',
  'response-headers',
  'shared-throttle',
  'hostile-input',
  'email-notifications',
  'corrections-and-withdrawal',
  'key-rotation',
  'secrets',
  'list-integrity',
  'blinding-assessment',
  'downtime-envelopes',
  'startup-integrity',
  'blinding-guess-attacks',
  'auth-and-users',
  'sessions',
  'randomization-list',
  'list-designs',
  'list-report',
  'stratified-trial',
  'deliberate-input',
  'audit-csv-verify',
  'training-mode',
  'unit-of-work',
  'observability',
  'key-rotation-crash',
];

/**
 * Suites about PostgreSQL alone (its faults, several server processes on one database): run by
 * e2e-postgres only, each with a cluster of its own. Where PostgreSQL is missing, the e2e project
 * runs them so that they say they are skipped and how to install it.
 */
const POSTGRES_ONLY = [
  'postgres-crash',
  'postgres-storage-faults',
  'postgres-shared-state',
  'postgres-row-streaming',
];

function postgresInstalled() {
  const dirs = process.env.POSTGRES_BIN_DIR ? [process.env.POSTGRES_BIN_DIR] : [];
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql'))
      dirs.push(join('/usr/lib/postgresql', version, 'bin'));
  }
  return dirs.some((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

const onPostgres = postgresInstalled();
if (!onPostgres) {
  console.warn(
    'PostgreSQL binaries (initdb, pg_ctl) not found: the e2e suites are not run again on ' +
      'PostgreSQL. Install them with `apt-get install postgresql` (or set POSTGRES_BIN_DIR).',
  );
}

module.exports = {
  testEnvironment: 'node',
  // Global: jest-circus reads testTimeout here, not inside a project. Generous, so that the suite
  // passes on a loaded 2-core machine; no test depends on how fast the machine is.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: 'src',
      // The benchmarks' own pure helpers (bench/support) are unit-tested too.
      roots: ['<rootDir>', '<rootDir>/../bench'],
      testRegex: '.*\\.spec\\.ts$',
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      // The web interface's own logic (catalogues, session timing, screens by role): plain
      // TypeScript, no DOM; the browser tests in test/web drive the real interface.
      displayName: 'web',
      testEnvironment: 'node',
      rootDir: 'web/src',
      testRegex: '.*\\.spec\\.ts$',
      transform: {
        '^.+\\.tsx?$': [
          'ts-jest',
          {
            tsconfig: {
              module: 'commonjs',
              jsx: 'react-jsx',
              lib: ['ES2022', 'DOM'],
              strict: true,
              esModuleInterop: true,
              isolatedModules: true,
              types: ['jest'],
            },
          },
        ],
      },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: 'test',
      testRegex: '.*\\.e2e-spec\\.ts$',
      testPathIgnorePatterns: onPostgres
        ? ['/node_modules/', `/test/(${POSTGRES_ONLY.join('|')})\\.e2e-spec\\.ts$`]
        : ['/node_modules/'],
      transform: { '^.+\\.ts$': tsJest },
    },
    ...(onPostgres
      ? [
          {
            displayName: 'e2e-postgres',
            testEnvironment: 'node',
            rootDir: 'test',
            testRegex:
              process.env.POSTGRES_E2E === 'all'
                ? '/test/[^/]+\\.e2e-spec\\.ts$'
                : // test/<name>, not the browser tests of test/web that share a name.
                  `/test/(${[...ON_POSTGRES, ...POSTGRES_ONLY].join('|')})\\.e2e-spec\\.ts$`,
            transform: { '^.+\\.ts$': tsJest },
            // Read by test/support/test-app.ts: start the suite's test apps on PostgreSQL.
            globals: { TEST_DATABASE: 'postgres' },
          },
        ]
      : []),
  ],
};
