import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    // e2e tests spawn the built CLI and browsers; give them room without relying on timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
