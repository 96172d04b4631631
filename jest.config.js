/**
 * Three kinds of tests, one project each; `npm test` runs unit, then int, then e2e. The chaos
 * project is the reliability campaign (`npm run chaos`, docs/reliability.md).
 */
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // jose 6 ships only ES modules: Node 20.19+ require()s them natively, Jest's CommonJS runtime
    // cannot (before Node 24.9), so Jest compiles that one package to CommonJS.
    '/node_modules/jose/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: {
    '^@loom/([^/]+)$': '<rootDir>/libs/$1/src',
    '^@loom/([^/]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const withPostgres = {
  globalSetup: '<rootDir>/test/support/postgres.global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres.global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.ts'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...shared, ...withPostgres, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...shared, ...withPostgres, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
    // npm run chaos (chaos/run): its own PostgreSQL and engine processes, one profile per run.
    {
      ...shared,
      displayName: 'chaos',
      testMatch: ['<rootDir>/chaos/**/*.chaos.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/chaos/support/chaos-timeout.ts'],
    },
  ],
};
