/**
 * Counting a child's instructions with valgrind's cachegrind: a measure of work that a shared host's noise does not
 * move. On the AMD EPYC hosts of runs 4–8 the bench's control (the raw SDK run again) spread up to a fifth of its
 * floor in CPU time, wider than the gaps between ours and the peers; the instruction count of the same child,
 * run twice, differs by about 0.1 % (bench/journal.md, the session of 21:25 UTC, 2026-12-03).
 *
 * What it counts: every instruction the process executes, in all its threads, start-up included. Callers run
 * each child twice, N and 2N calls after the same warm-up, and take the difference: the work of N calls, start-up,
 * module loading and warm-up cancelled. Instructions are not time (cache misses, branch mispredictions and the
 * memory a larger heap touches are not in them): a proxy for CPU work, quiet where CPU time is not. The difference
 * of two counts is noisier than either: a full collection is one large event that lands in one window or the other,
 * and a mode's rounds spread by about 1 % of a streamed chunk's work, by 3 % of a non-streaming call's.
 */
import { spawnSync } from 'node:child_process';

/**
 * Node flags that make the count repeat: V8's compilers and collector work on the main thread (their helper
 * threads' timing, under valgrind's serialized threads, moved when optimized code arrived: without this flag the
 * per-chunk figures made no sense, the raw SDK above both instrumentations); no memory reducer (it starts
 * collections on wall-clock timers, in a process valgrind slows about 50 times); and fixed seeds for V8's random
 * numbers and hashes (object hashes, which weak maps and object-keyed maps probe by, come from the random seed).
 * The work is the same; only where it runs and which random numbers it draws change.
 */
// Not `--predictable-gc-schedule`: counts repeated to 0.1 % with it, but it holds the heap small, which raised ours'
// instructions per chunk by a quarter to a half and contrib's by a sixth, mostly in collections: no app runs so.
export const REPEATABLE_NODE_FLAGS = [
  '--single-threaded',
  '--no-memory-reducer',
  '--random-seed=1',
  '--hash-seed=1',
] as const;

/**
 * Export interval for the children's span processors and metric readers: an hour, so no timer export lands in the
 * measured window of a process that valgrind slows fifty-fold (it would export fifty times as often per call as
 * the same process at full speed); the flush at the window's end exports everything, as in the bench.
 */
export const COUNTED_EXPORT_INTERVAL_MS = 3_600_000;

/** Fails with how to get valgrind when it is missing. */
export function requireValgrind(): void {
  const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error(
      '--instructions counts with valgrind (cachegrind), which was not found: install it (Debian/Ubuntu: apt-get install valgrind)',
    );
}

/**
 * `execPath` and the arguments before the script that run `node` under cachegrind, counting instructions only
 * (`--cache-sim=no`: no cache simulation) into `outFile`.
 */
export function underCachegrind(
  outFile: string,
  nodeFlags: readonly string[],
  { byFunction = false }: { byFunction?: boolean } = {},
): { execPath: string; execArgv: string[] } {
  // `byFunction`: callgrind with every instruction's address, and V8's perf map to name the JavaScript at them
  // (src/callgrind.ts). The same count, about twice as slow.
  const tool = byFunction
    ? ['--tool=callgrind', '--dump-instr=yes', `--callgrind-out-file=${outFile}`]
    : ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${outFile}`];
  return {
    execPath: 'valgrind',
    execArgv: [
      ...tool,
      '-q',
      process.execPath,
      ...nodeFlags,
      ...REPEATABLE_NODE_FLAGS,
      // The perf map goes to /tmp/perf-PID.map; the V8 log that flag opens too, beside the output (not the cwd).
      ...(byFunction ? ['--perf-basic-prof', `--logfile=${outFile}.v8log`, '--no-logfile-per-isolate'] : []),
    ],
  };
}

/**
 * Where V8 wrote a callgrind child's perf map (`/tmp/perf-PID.map`, PID from the output's `pid:` line), to keep
 * beside the output as `OUT.map` before another process of that PID overwrites it.
 */
export function perfMapOf(callgrindText: string, where = 'callgrind output'): string {
  const pid = /^pid:\s*(\d+)/m.exec(callgrindText);
  if (pid === null) throw new Error(`${where}: no "pid:" line`);
  return `/tmp/perf-${pid[1]}.map`;
}

/** The total of a cachegrind output's `summary:` line (the first event: instructions, `Ir`). */
export function parseSummary(text: string, where = 'cachegrind output'): number {
  const line = /^summary:\s+(\d+)/m.exec(text);
  if (line === null) throw new Error(`${where}: no "summary:" line (did valgrind finish?)`);
  return Number(line[1]);
}

/**
 * Instructions by function in a cachegrind output (`fn=` blocks; JIT-compiled JavaScript has no symbol and is
 * counted under `???`, V8's builtins and C++ by name).
 */
export function functionCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let fn = '???';
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      fn = line.slice(3);
    } else if (line.charCodeAt(0) >= 48 && line.charCodeAt(0) <= 57) {
      // "<line> <Ir>": the count is the second number.
      const space = line.indexOf(' ');
      if (space > 0) counts.set(fn, (counts.get(fn) ?? 0) + Number(line.slice(space + 1)));
    }
  }
  return counts;
}

/**
 * Per unit (a call, a chunk), what one mode's calls cost by function beyond another's: `(a2 − a1) − (b2 − b1)`
 * over `units`, where a1/a2 (b1/b2) are a mode's counts after N and 2N calls. Largest differences first.
 */
export function functionDifference(
  a1: Map<string, number>,
  a2: Map<string, number>,
  b1: Map<string, number>,
  b2: Map<string, number>,
  units: number,
): { fn: string; perUnit: number }[] {
  const names = new Set([...a1.keys(), ...a2.keys(), ...b1.keys(), ...b2.keys()]);
  const at = (m: Map<string, number>, k: string) => m.get(k) ?? 0;
  return [...names]
    .map((fn) => ({
      fn,
      perUnit: (at(a2, fn) - at(a1, fn) - (at(b2, fn) - at(b1, fn))) / units,
    }))
    .sort((x, y) => Math.abs(y.perUnit) - Math.abs(x.perUnit));
}

/**
 * V8's garbage collector, told by function name (scavenges, marking, sweeping, evacuation, the heap's own
 * bookkeeping). Its share of a window moves more than the rest: a full collection is one large event that falls in a
 * window or does not.
 */
const COLLECTOR =
  /Scaveng|MarkCompact|Marking|MarkingVisitor|Sweep|Evacuat|RememberedSet|SlotSet|PointersUpdating|GCTracer|ProcessStrongHeapObject|ProcessWeakHeapObject|v8::internal::Heap::/;

/** Instructions counted in the collector's functions ({@link COLLECTOR}). */
export function collectorInstructions(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const [fn, count] of counts) if (COLLECTOR.test(fn)) sum += count;
  return sum;
}
