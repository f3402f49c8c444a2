import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The reliability scenarios (kill -9, load, storms) run with the rest: about 4 minutes in all here.
    exclude: ['**/node_modules/**'],
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts', 'eval/**/*.test.ts', 'bench/**/*.test.ts', 'dashboards/**/*.test.ts'],
    // Suites that start LanceDB tables or servers are I/O bound; two cores here.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
