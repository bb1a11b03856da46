import { describe, expect, it } from 'vitest';
import { assertPackagesBuilt, runStart } from '../../test-support/run-example.js';

describe('examples/shared-limits', () => {
  it('3 workers, 60 calls at once, one limit: the server never sees more than 4 in flight, and sees 4', async () => {
    assertPackagesBuilt();
    const run = await runStart('shared-limits', {}, 60_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^3 workers answered 60 calls in \d+\.\d+ s$/m);
    expect(run.stdout).toMatch(
      /^most requests in flight at once, as the server saw them: 4 \(one limit of 4 for all 3 workers\)$/m,
    );
  });
});
