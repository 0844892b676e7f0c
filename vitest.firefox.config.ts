import { defineConfig } from 'vitest/config';

/** End-to-end in Firefox: the production Firefox build over WebDriver BiDi against the HTTPS sandbox. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e-firefox/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // A real browser on a 2-core machine: one retry absorbs a slow start, never a broken feature.
    retry: process.env.CI ? 1 : 0,
  },
});
