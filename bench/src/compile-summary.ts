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
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

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
// `--trace-gc`: `… ms: Scavenge 4.1 (6.0) -> 3.2 (6.0) MB, pooled: 0 MB, 1.23 / 0.00 ms  (…) reason`.
const GC = /: (Scavenge|Mark-Compact)\b.*? MB, ([\d.]+) \/ [\d.]+ ms(.*)$/;
const DEOPT = /bailout \(kind: ([\w-]+), reason: ([^)]*)\): begin\. deoptimizing .*?<JSFunction ([^ >]*)/;

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
      current.jobs.push({ ms, tier, fn: fn || '(anonymous)' });
      continue;
    }
    const gc = GC.exec(line);
    if (gc) {
      const pause = Number(gc[2]);
      if (gc[1] === 'Scavenge') {
        current.gc.scavenges++;
        current.gc.scavengeMs += pause;
      } else {
        current.gc.markCompacts++;
        current.gc.markCompactMs += pause;
        // The reason ends the line, after the last closing parenthesis.
        const reason = (gc[3] ?? '').replace(/^.*\)\s*/, '').trim() || '(none given)';
        current.gcReasons.set(reason, (current.gcReasons.get(reason) ?? 0) + 1);
      }
      continue;
    }
    const deopt = DEOPT.exec(line);
    if (deopt) {
      const key = `${deopt[3] || '(anonymous)'} (${deopt[1]}: ${deopt[2]})`;
      current.deopts.set(key, (current.deopts.get(key) ?? 0) + 1);
    }
  }
  return windows;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '20' } },
  });
  const top = Number(values.top);
  if (positionals.length === 0) throw new Error('usage: node src/compile-summary.ts FILE… [--top N]');
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
