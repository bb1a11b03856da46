// Calls must not keep their objects alive into V8's old generation. A closure added to an object after its
// construction makes V8 keep what it captures through young-generation collections (field type tracking), so every
// call's objects were promoted, with the major collections that follow: closures added to the SDK's APIPromise (the
// way a patch wraps `parse()`), about 0.5 MB per scavenge; the API's context made by `trace.setSpan` (it gives every
// context three closures), about 50 KB; the raw SDK, about 1 KB. Measured the way it happens: a spawned process with
// V8's GC trace, the raw SDK beside it as the control.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built-package.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');

// openai 6: its raw client promotes next to nothing in this loop, so what the patch keeps alive stands out.
const openai6 = realpathSync(join(packageDir, 'node_modules', 'openai6'));

beforeAll(ensureBuilt, 120_000);

interface Run {
  /** Median bytes promoted to the old generation per scavenge, over the run's last 10 scavenges. */
  promotedPerScavenge: number;
  report: { answered: number; instrumented: boolean };
}

async function runApp(mode: 'instrumented' | 'raw'): Promise<Run> {
  const { stdout } = await run(
    process.execPath,
    ['--trace-gc-nvp', join(here, 'fixtures', 'retention-app.cjs'), mode],
    { env: { ...process.env, OPENAI_SDK: openai6 }, timeout: 60_000 },
  );
  const lines = stdout.trim().split('\n');
  const promoted = lines
    .filter((line) => line.includes(' gc=s '))
    .map((line) => Number(/ promoted=(\d+)/.exec(line)?.[1]))
    .slice(-10)
    .sort((a, b) => a - b);
  if (promoted.length < 10)
    throw new Error(`expected at least 10 scavenges in the GC trace, got ${promoted.length}`);
  return {
    promotedPerScavenge: promoted[5]!,
    // GC trace lines may follow the report (a collection at exit).
    report: JSON.parse(lines.find((line) => line.startsWith('{')) ?? '') as Run['report'],
  };
}

describe('objects kept alive by the patch', () => {
  it('instrumented calls promote as little as the raw SDK, not every call', async () => {
    const [raw, instrumented] = [await runApp('raw'), await runApp('instrumented')];
    expect(raw.report).toEqual({ answered: 6000, instrumented: false });
    expect(instrumented.report).toEqual({ answered: 6000, instrumented: true });
    // The control: in this loop the raw SDK promotes almost nothing (about 1 KB per scavenge).
    expect(raw.promotedPerScavenge).toBeLessThan(32 * 1024);
    // Instrumented: as little (under 3 KB in this loop); with the API's `trace.setSpan` context for the call about
    // 50 KB, with closures added to the APIPromise about 500 KB.
    expect(instrumented.promotedPerScavenge).toBeLessThan(32 * 1024);
  }, 120_000);
});
