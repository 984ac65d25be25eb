import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fault tests load the whole machine; they run alone with vitest.faults.config.ts (npm run test:faults).
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    testTimeout: 20000,
    hookTimeout: 30000,
    // A condition polled for (a write landing, a delivery arriving) gets as long as a loaded CI machine needs;
    // one that holds returns at once, so only a failure waits the whole time.
    expect: { poll: { timeout: 10_000 } },
    // Flow tests start real servers and databases; two cores run two files at a time well.
    maxWorkers: 2,
  },
});
