import { defineConfig } from 'vitest/config';

/**
 * Fault tests (npm run test:faults): reconnect storms, signals, provider outages under load.
 * They load the whole machine, so files run one at a time, and never in the main suite.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: 10_000 } },
  },
});
