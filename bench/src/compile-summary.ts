/**
 * What V8 compiled and deoptimized inside the measured window of `layers.ts`, from a child's `--trace-opt
 * --trace-deopt` output: `BENCH_MARK_WINDOW=1 BENCH_NODE_FLAGS="--trace-opt --trace-deopt" node src/layers.ts …
 * MODE > FILE`, then `node src/compile-summary.ts FILE [--top N]`. Optimizing compilers (Maglev, TurboFan) run on
 * helper threads, so their time is in a process's CPU but not in its main thread's: in the bench's window, while the
 * compiler is still at work, it is part of what each variant costs. Prints per mode the compile time (the three
 * phases V8 reports, summed) by tier, the deoptimizations, and the costliest compilations. With `--trace-gc` in the
 * flags too, also the collections inside the window: scavenges and mark-compacts with their main-thread pause times,
 * and the mark-compacts by reason (a process that allocates little on the JS heap but many ArrayBuffers, such as an
 * SDK decoding a stream, is collected by mark-compacts that external memory asks for, not by scavenges).
 * `--versus A B` compares two modes' compilations function by function (by name, over all their windows): what A
 * compiles that B does not is the compiler's share of A's overhead in the window (ours against a peer: `instr contrib`;
 * a change against its base, from `layers.ts --base DIR`: `preload preload@base`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gcEvent } from './gc-trace.ts';

export interface Window {
  mode: string;
  ms: Map<string, number>;
  jobs: { ms: number; tier: string; fn: string }[];
  deopts: Map<string, number>;
  gc: { scavenges: number; scavengeMs: number; markCompacts: number; markCompactMs: number };
  gcReasons: Map<string, number>;
}

const COMPILED =
  /completed compiling .*?<JSFunction ([^ >]*).*?\(target (\w+)\) - took ([\d.]+), ([\d.]+), ([\d.]+) ms/;
const DEOPT = /bailout \(kind: ([\w-]+), reason: ([^)]*)\): begin\. deoptimizing .*?<JSFunction ([^ >]*)/;

// V8 prints an anonymous function as `<JSFunction (sfi = 0x…)>`: what the patterns capture then is `(sfi`.
function functionName(captured: string): string {
  return captured === '' || captured.startsWith('(sfi') ? '(anonymous)' : captured;
}

export function summarize(text: string): Window[] {
  const windows: Window[] = [];
  let current: Window | undefined;
  for (const line of text.split('\n')) {
    const start = /^\[bench window start (.*)\]$/.exec(line);
    if (start) {
      current = {
        mode: start[1] ?? '',
        ms: new Map(),
        jobs: [],
        deopts: new Map(),
        gc: { scavenges: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0 },
        gcReasons: new Map(),
      };
      windows.push(current);
      continue;
    }
    if (/^\[bench window end/.test(line)) {
      current = undefined;
      continue;
    }
    if (!current) continue;
    const compiled = COMPILED.exec(line);
    if (compiled) {
      const [, fn = '', tier = '', a = '0', b = '0', c = '0'] = compiled;
      const ms = Number(a) + Number(b) + Number(c);
      current.ms.set(tier, (current.ms.get(tier) ?? 0) + ms);
      current.jobs.push({ ms, tier, fn: functionName(fn) });
      continue;
    }
    const gc = gcEvent(line);
    if (gc) {
      if (gc.kind === 'Scavenge') {
        current.gc.scavenges++;
        current.gc.scavengeMs += gc.pauseMs;
      } else {
        current.gc.markCompacts++;
        current.gc.markCompactMs += gc.pauseMs;
        const reason = gc.reason || '(none given)';
        current.gcReasons.set(reason, (current.gcReasons.get(reason) ?? 0) + 1);
      }
      continue;
    }
    const deopt = DEOPT.exec(line);
    if (deopt) {
      const key = `${functionName(deopt[3] ?? '')} (${deopt[1]}: ${deopt[2]})`;
      current.deopts.set(key, (current.deopts.get(key) ?? 0) + 1);
    }
  }
  return windows;
}

/** One function's compilations in two modes, over all their windows. */
export interface CompiledVersus {
  fn: string;
  a: { count: number; ms: number };
  b: { count: number; ms: number };
}

/** The compilations of modes `a` and `b` by function name, the largest difference in compile time (a − b) first. */
export function compiledVersus(windows: Window[], a: string, b: string): CompiledVersus[] {
  const rows = new Map<string, CompiledVersus>();
  for (const w of windows) {
    if (w.mode !== a && w.mode !== b) continue;
    for (const job of w.jobs) {
      let row = rows.get(job.fn);
      if (row === undefined) {
        row = { fn: job.fn, a: { count: 0, ms: 0 }, b: { count: 0, ms: 0 } };
        rows.set(job.fn, row);
      }
      const side = w.mode === a ? row.a : row.b;
      side.count++;
      side.ms += job.ms;
    }
  }
  return [...rows.values()].sort((x, y) => y.a.ms - y.b.ms - (x.a.ms - x.b.ms));
}

function printVersus(windows: Window[], a: string, b: string, top: number): void {
  for (const mode of [a, b]) {
    if (!windows.some((w) => w.mode === mode)) throw new Error(`--versus: no window of mode ${mode}`);
  }
  const rows = compiledVersus(windows, a, b);
  const only = rows.filter((r) => r.b.count === 0);
  const onlyMs = only.reduce((t, r) => t + r.a.ms, 0);
  console.log(
    `${a} against ${b}, all windows: ${only.length} functions compiled only in ${a} ` +
      `(${only.reduce((t, r) => t + r.a.count, 0)} compilations, ${onlyMs.toFixed(1)} ms); ` +
      `${rows.filter((r) => r.a.count === 0).length} only in ${b}`,
  );
  for (const r of rows.slice(0, top)) {
    const d = r.a.ms - r.b.ms;
    console.log(
      `  ${(d >= 0 ? '+' : '') + d.toFixed(1).padStart(6)} ms  ${String(r.a.count).padStart(3)} vs ${String(r.b.count).padStart(3)}  ${r.fn}`,
    );
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '20' }, versus: { type: 'boolean', default: false } },
  });
  const top = Number(values.top);
  if (values.versus) {
    const [file, a, b] = positionals;
    if (file === undefined || a === undefined || b === undefined)
      throw new Error('usage: node src/compile-summary.ts FILE --versus MODE_A MODE_B [--top N]');
    printVersus(summarize(readFileSync(file, 'utf8')), a, b, top);
    return;
  }
  if (positionals.length === 0)
    throw new Error('usage: node src/compile-summary.ts FILE… [--top N] | FILE --versus MODE_A MODE_B');
  for (const file of positionals) {
    const windows = summarize(readFileSync(file, 'utf8'));
    if (windows.length === 0)
      throw new Error(`${file}: no window marks (run layers.ts with BENCH_MARK_WINDOW=1)`);
    for (const w of windows) {
      const total = [...w.ms.values()].reduce((a, b) => a + b, 0);
      const tiers = [...w.ms].map(([tier, ms]) => `${tier} ${ms.toFixed(1)} ms`).join(', ');
      const deopts = [...w.deopts.values()].reduce((a, b) => a + b, 0);
      console.log(
        `${w.mode}: ${w.jobs.length} compilations, ${total.toFixed(1)} ms (${tiers}); ${deopts} deoptimizations`,
      );
      const { scavenges, scavengeMs, markCompacts, markCompactMs } = w.gc;
      if (scavenges + markCompacts > 0) {
        console.log(
          `  GC: ${scavenges} scavenges (${scavengeMs.toFixed(1)} ms paused), ${markCompacts} mark-compacts (${markCompactMs.toFixed(1)} ms paused)`,
        );
        for (const [reason, n] of [...w.gcReasons].sort((a, b) => b[1] - a[1])) {
          console.log(`    mark-compact ×${n}  ${reason}`);
        }
      }
      for (const job of w.jobs.sort((a, b) => b.ms - a.ms).slice(0, top)) {
        console.log(`  ${job.ms.toFixed(2).padStart(7)} ms  ${job.tier.padEnd(12)} ${job.fn}`);
      }
      for (const [what, n] of [...w.deopts].sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`  deopt ×${n}  ${what}`);
      }
    }
  }
}

// Run as a script, not when a test imports `summarize`.
if (import.meta.main) main();
