import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Packages are resolved to their TypeScript sources through the
// `@aiotel/source` export condition, so unit tests need no build; tests that spawn Node processes
// (preload, CJS, packing) use the built `dist/` and say so when it is missing.
export default defineConfig({
  resolve: { conditions: ['@aiotel/source'] },
  ssr: { resolve: { conditions: ['@aiotel/source'], externalConditions: ['@aiotel/source'] } },
  test: {
    include: [
      'packages/*/{src,test}/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test/**/*.test.ts',
      'scripts/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/e2e/**'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
    passWithNoTests: false,
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
