/** Unit tests sit beside the code (*.spec.ts); integration and e2e tests under test/ run against a real database. */
const swc = ['@swc/jest', { swcrc: true }];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.browser-spec.ts'],
  // NestJS 12 packages are ESM-only: Jest's module system needs them transformed to CommonJS.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // flatbush and flatqueue are ESM-only as well.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|flatbush|flatqueue)/)'],
  moduleNameMapper: { '^@scrutiny/(.*)$': '<rootDir>/libs/$1/index.ts' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  // Test files run in parallel, each on its own database (2 workers suit the 2-core machines this runs on).
  maxWorkers: 2,
  testTimeout: 30_000,
  forceExit: false,
};
