import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const LAYERS = fileURLToPath(new URL('../src/layers.ts', import.meta.url));
const BENCH = fileURLToPath(new URL('..', import.meta.url));

/** Runs `layers.ts` with `args` (one round, the raw SDK and ours by hand) and returns each mode's trace bytes a call. */
async function exportedPerCall(args: string[]): Promise<Map<string, number>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [LAYERS, '--rounds', '1', ...args, 'raw', 'instr'],
    { cwd: BENCH, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const bytes = new Map<string, number>();
  for (const match of stdout.matchAll(/^\s+(\S+)\s.*; (\d+) trace B\/call exported\)$/gm)) {
    bytes.set(match[1]!, Number(match[2]));
  }
  return bytes;
}

// The SDK's batch span processor sends one batch at a time and drops spans once 2048 wait: on the stub, whose calls
// settle in microtasks, a window longer than that exported only its first spans unless the event loop got turns.
describe('layers.ts on the stub fetch', () => {
  it('exports every span of a long window through the SDK, as of a short one', async () => {
    const short = await exportedPerCall(['--calls', '600']);
    const long = await exportedPerCall(['--calls', '6000']);
    expect(short.get('raw')).toBe(0);
    const perSpan = short.get('instr')!;
    expect(perSpan).toBeGreaterThan(500);
    // Start-up and the warm-up's first flush are shared over more calls in the long one: a few bytes a call less.
    expect(long.get('instr')).toBeGreaterThan(perSpan * 0.95);
  }, 240_000);

  it('refuses a --yield-every that is not a whole number', async () => {
    await expect(exportedPerCall(['--yield-every', 'often'])).rejects.toThrow(
      /--yield-every often: give a whole number of calls/,
    );
  });
});
