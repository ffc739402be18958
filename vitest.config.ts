import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    // Says once, when no Chromium is found, that the browser tests are skipped and how to enable them.
    globalSetup: ['test/helpers/browser-setup.ts'],
    // e2e tests spawn the built CLI and browsers; give them room without relying on timing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
