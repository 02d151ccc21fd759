import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/build-dist.ts'],
    // Generous: a test that spawns several `countersign` processes takes seconds each on two busy
    // shared cores; the limit catches hangs, not slowness.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
