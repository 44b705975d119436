// Four projects so each kind of test can run alone (npm run test:unit, …); all are native ESM through @swc/jest.
import { availableParallelism } from 'node:os';

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023', experimental: { keepImportAttributes: true } },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  transform: { '^.+\\.ts$': swc },
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
};

export default {
  // Above every test's own deadline (the e2e polls, the property runs), so a busy machine slows a test, never fails
  // it. Jest reads this option only here, not per project.
  testTimeout: 300_000,
  // Jest's default is one worker fewer than the cores: on a 2-core machine, one. Tests wait on I/O, threads and child
  // processes as much as they compute, so at least two workers finish the unit, integration and infra projects in
  // about two-thirds of the time (e2e runs in band: each file boots a whole stack).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // One DynamoDB Local and one bundled assembly for every file.
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
  ],
};
