import { defineConfig } from 'vitest/config';

// The bench's own helpers (stats, limiter, report rendering). The root config does not include bench/,
// so these run with `pnpm --filter @aiotel/bench test`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    allowOnly: false,
    passWithNoTests: false,
  },
});
