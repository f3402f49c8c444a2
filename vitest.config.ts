import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The heavy reliability scenarios (kill -9, load, storms) run with `npm run test:reliability`.
    exclude: ['**/node_modules/**', ...(process.env.RAGBOT_RELIABILITY ? [] : ['test/reliability/{load,restart,faults-*}.test.ts'])],
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts', 'eval/**/*.test.ts', 'bench/**/*.test.ts', 'dashboards/**/*.test.ts'],
    // Suites that start LanceDB tables or servers are I/O bound; two cores here.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
