import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const LAYERS = fileURLToPath(new URL('../src/layers.ts', import.meta.url));
const BENCH = fileURLToPath(new URL('..', import.meta.url));

/** Runs `layers.ts` for one round with `args` (options, then modes), `env` added to this process's. */
function runLayers(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [LAYERS, '--rounds', '1', ...args], {
    cwd: BENCH,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
}

/** Runs `layers.ts` with `args` (one round of `modes`) and returns each mode's trace bytes a call. */
async function exportedPerCall(args: string[], modes = ['raw', 'instr']): Promise<Map<string, number>> {
  const { stdout } = await runLayers([...args, ...modes]);
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

// `raw-digest` stands for the state every instrumented process is in (bench/journal.md, the session of 01:03 UTC,
// 2026-12-06): V8's typed-array length protector dropped by a Buffer from Node's C++ side, which `raw` never makes.
describe('layers.ts raw-digest', () => {
  it("runs the raw SDK with V8's typed-array length protector invalidated, raw with it intact", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layers-protector-'));
    const check = join(dir, 'check.mjs');
    // A V8 intrinsic (`--allow-natives-syntax`): should a Node release drop it, this check fails to parse, loudly.
    writeFileSync(
      check,
      "process.on('exit', () => process._rawDebug('protector ' + process.env.BENCH_RUN_NAME + ' ' + %TypedArrayLengthProtector()));\n",
    );
    const { stderr } = await runLayers(['--calls', '200', 'raw', 'raw-digest'], {
      BENCH_NODE_FLAGS: `--allow-natives-syntax --import ${check}`,
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
    const states = [...stderr.matchAll(/^protector (\S+) (true|false)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(states).toEqual(['raw true', 'raw-digest false']);
  }, 240_000);
});

describe('layers.ts BENCH_THREADS=1', () => {
  it("prints each child's window CPU by thread: the main thread's and V8's helper threads'", async () => {
    const { stderr } = await runLayers(['--calls', '200', 'raw'], { BENCH_THREADS: '1' });
    const line = /^\[threads raw\] (.*)$/m.exec(stderr)?.[1];
    expect(line, stderr).toBeDefined();
    const ms = new Map([...line!.matchAll(/(\S+)=([\d.]+)ms/g)].map((m) => [m[1]!, Number(m[2])]));
    expect(ms.get('MainThread')).toBeGreaterThan(10);
    expect(ms.get('V8Worker')).toBeGreaterThan(0);
  }, 240_000);
});

describe('layers.ts preload-notraces', () => {
  it('runs the preload with its spans turned off, as OTEL_TRACES_EXPORTER=none does', async () => {
    const bytes = await exportedPerCall(['--calls', '200'], ['preload', 'preload-notraces']);
    expect(bytes.get('preload')).toBeGreaterThan(500);
    expect(bytes.get('preload-notraces')).toBe(0);
  }, 240_000);
});
