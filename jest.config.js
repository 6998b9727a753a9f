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
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: 'test',
      testRegex: '.*\\.e2e-spec\\.ts$',
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
