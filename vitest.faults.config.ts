import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:faults`): it starts its own PostgreSQL, Redis and Consentry
// processes and kills them, so its files run one at a time, apart from `npm test`.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    globalSetup: ['test/faults/support/summary.ts'],
    reporters: ['default'],
  },
});
