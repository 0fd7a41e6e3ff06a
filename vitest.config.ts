import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Two cores in CI: forks keep heavy suites isolated without oversubscribing.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
