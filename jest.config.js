// One Jest run for the whole workspace. Unit tests (*.spec.ts) sit beside the code; integration tests
// (*.integration-spec.ts) run against real Kafka, PostgreSQL and Keycloak that libs/test-harness starts once per run.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};
const moduleNameMapper = { '^@tradewarden/(.*)$': '<rootDir>/libs/$1/src/index' };
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/', '<rootDir>/.data/'],
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,tools}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,tools,e2e}/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/libs/test-harness/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/test-harness/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/test-harness/src/integration-setup.ts'],
      slowTestThreshold: 60,
    },
  ],
};
