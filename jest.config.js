/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

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
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
