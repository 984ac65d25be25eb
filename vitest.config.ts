import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20000,
    hookTimeout: 30000,
    // Flow tests start real servers and databases; two cores run two files at a time well.
    maxWorkers: 2,
  },
});
