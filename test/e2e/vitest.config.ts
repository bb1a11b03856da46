import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The end-to-end suite (`pnpm test:e2e`): real collector, Jaeger and Prometheus processes on loopback, so one
// file at a time, and timeouts that allow the first build of the collector and Jaeger (minutes, cached after).
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 50 * 60_000,
    allowOnly: false,
    passWithNoTests: false,
  },
});
