/**
 * The bench's windows as the bench runs them (its own worker, src/worker.ts, against the fake AI API over loopback
 * HTTP, a variant of src/variants.ts per process, its floor added, rounds interleaving the variants), with what the bench does not
 * show: the collections that ran in the process (`--trace-gc`, src/gc-trace.ts), or, with `--instructions`, the
 * non-streaming window's work per call counted under cachegrind (two processes, N and 2N calls after the same
 * warm-up; needs valgrind).
 *   node src/worker-window.ts --variants raw6,instr6node,traceloop6 [--workloads W] [--rounds N] [--calls N] [--warmup N] [--concurrent-warmup N] [--instructions | --side-by-side]
 * `--workloads`: which of the bench's three workloads the process runs, in the bench's order: a comma-separated list
 * of `non-streaming` (the default alone; `--calls` after `--warmup`, 2000 after 300 as in the bench), `streaming` and
 * `concurrent` at the bench's sizes (src/workloads.ts `BENCH_SIZES`), or `all` (the three: what a
 * process of `pnpm bench` runs); `streaming,concurrent` is the bench's process without its first workload.
 * `--concurrent-warmup N` sets the concurrent workload's warm-up (default 200, the bench's). Timed: CPU µs per call of each window
 * that ran (as the bench reports it) with the collections logged inside it, the heap after the last window, and the
 * collections of the whole process (the bench's forced `gc()` always left out).
 * `--side-by-side`: as `pnpm bench` runs them, each variant at the same time as a process of its floor, their windows
 * paced together (src/pacing.ts); printed per window, the median of its ratios to the floor's process beside it.
 * Counted, read the figure with care: valgrind runs the process on one thread (`--single-threaded`), so the
 * collector's marking, which V8 otherwise spreads over helper threads, falls in the window on the main thread, and
 * a slowed process runs its timers (the span batch, the metric reader) at other points of the work; the export
 * timers are set to an hour so that only the worker's flush exports.
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COUNTED_EXPORT_INTERVAL_MS, parseSummary, requireValgrind, underCachegrind } from './cachegrind.ts';
import { startServerProcess } from './child.ts';
import { positiveIntegerOption } from './cli.ts';
import { telemetryEnv } from './env.ts';
import { type GcSummary, gcSummary } from './gc-trace.ts';
import { isPaceMessage, Pacer, sideBySideGroups } from './pacing.ts';
import type { WorkerResult, WorkerTask, WorkloadSizes } from './protocol.ts';
import { BENCH_DIR } from './runtime.ts';
import { median } from './stats.ts';
import { selectVariants, type Variant } from './variants.ts';
import { BENCH_SIZES } from './workloads.ts';

const { values } = parseArgs({
  options: {
    variants: { type: 'string' },
    rounds: { type: 'string' },
    calls: { type: 'string' },
    warmup: { type: 'string' },
    'concurrent-warmup': { type: 'string' },
    workloads: { type: 'string', default: 'non-streaming' },
    instructions: { type: 'boolean', default: false },
    'side-by-side': { type: 'boolean', default: false },
  },
});
if (values.variants === undefined)
  throw new Error(
    'usage: node src/worker-window.ts --variants a,b [--workloads W] [--rounds N] [--calls N] [--warmup N] [--concurrent-warmup N] [--instructions | --side-by-side]',
  );
// As the bench's `--variants`: table order, each with its floor.
const variants = selectVariants(values.variants);
const WORKLOADS = ['non-streaming', 'streaming', 'concurrent'] as const;
const workloads = values.workloads === 'all' ? [...WORKLOADS] : values.workloads.split(',');
for (const w of workloads)
  if (!(WORKLOADS as readonly string[]).includes(w))
    throw new Error(`--workloads ${values.workloads}: all, or a list of ${WORKLOADS.join(', ')}`);
if (values.instructions && (workloads.length !== 1 || workloads[0] !== 'non-streaming'))
  throw new Error('--instructions counts the non-streaming window only');
if (values.instructions && values['side-by-side'])
  throw new Error('--instructions counts one process at a time: leave out --side-by-side');
const rounds = positiveIntegerOption(values, 'rounds', values.instructions ? 1 : 3);
const calls = positiveIntegerOption(values, 'calls', values.instructions ? 1000 : 2000);
const warmup = positiveIntegerOption(values, 'warmup', 300);
const concurrentWarmup = positiveIntegerOption(values, 'concurrent-warmup', 200);
/** The windows a worker reports, by the name they are printed with. */
const WINDOWS = ['nonStreaming', 'streaming', 'concurrent'] as const;
const OUT_DIR = join(BENCH_DIR, '.tmp', 'worker-window');

/** One window that ran: its CPU per call and the collections logged inside it. */
interface Window {
  name: (typeof WINDOWS)[number];
  cpuUsPerCall: number;
  gc: GcSummary;
}

interface Timed {
  windows: Window[];
  heapMiB: number;
  /** The whole process's collections. */
  gc: GcSummary;
}

/** One worker process; the collections it traced or, counted, the instructions it ran. */
function runWorker(variant: Variant, n: number, counted: boolean, pacer?: Pacer): Promise<Timed | number> {
  const runs = (workload: string) => workloads.includes(workload);
  const sizes: WorkloadSizes = {
    ...BENCH_SIZES,
    ...(runs('non-streaming') ? { calls: n, warmupCalls: warmup } : { calls: 0, warmupCalls: 0 }),
    ...(runs('streaming') ? {} : { streamCalls: 0, warmupStreamCalls: 0 }),
    ...(runs('concurrent')
      ? { warmupConcurrentCalls: concurrentWarmup }
      : { concurrentCalls: 0, warmupConcurrentCalls: 0 }),
  };
  const task: WorkerTask = {
    variant,
    round: 0,
    fakeUrl: fake.url,
    sinkUrl: sink.url,
    sizes,
    sideBySide: pacer !== undefined,
  };
  const outFile = join(OUT_DIR, `${process.pid}-${variant.id}-${n}.cachegrind`);
  const nodeFlags = ['--expose-gc', ...(variant.nodeArgs ?? [])];
  const { execPath, execArgv } = counted
    ? underCachegrind(outFile, nodeFlags)
    : { execPath: process.execPath, execArgv: ['--trace-gc', ...nodeFlags] };
  const slowTimers = String(COUNTED_EXPORT_INTERVAL_MS);
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'src', 'worker.ts'), [], {
      cwd: BENCH_DIR,
      execPath,
      execArgv,
      env: {
        ...telemetryEnv(`aiotel-window-${variant.id}`, sink.url, { BENCH_WORKER: JSON.stringify(task) }),
        ...variant.env,
        ...(counted
          ? {
              OTEL_METRIC_EXPORT_INTERVAL: slowTimers,
              OTEL_EXPORTER_OTLP_METRICS_EXPORT_INTERVAL: slowTimers,
              OTEL_BSP_SCHEDULE_DELAY: slowTimers,
            }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let trace = '';
    let result: WorkerResult | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      trace += chunk.toString();
    });
    pacer?.add(child);
    child.on('message', (message) => {
      if (!isPaceMessage(message)) result = message as WorkerResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result === undefined) {
        reject(new Error(`${variant.id}: the worker exited with ${signal ?? code} before reporting`));
      } else if (counted) {
        const instructions = parseSummary(readFileSync(outFile, 'utf8'), outFile);
        rmSync(outFile, { force: true });
        resolve(instructions);
      } else {
        const figures = result;
        const windows = WINDOWS.filter((name) => figures[name].calls > 0).map((name) => {
          const { cpuUsPerCall, startMs, endMs } = figures[name];
          return { name, cpuUsPerCall, gc: gcSummary(trace, startMs, endMs) };
        });
        resolve({
          windows,
          heapMiB: figures[windows.at(-1)?.name ?? 'nonStreaming'].heapAfterGcBytes / 2 ** 20,
          gc: gcSummary(trace),
        });
      }
    });
  });
}

function collections(gc: GcSummary): string {
  return `${gc.majors} mark-compact (${gc.majorMs.toFixed(1)} ms), ${gc.scavenges} scavenges (${gc.scavengeMs.toFixed(1)} ms)`;
}

if (values.instructions) {
  requireValgrind();
  mkdirSync(OUT_DIR, { recursive: true });
}
const fake = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'fake-server.ts'));
const sink = await startServerProcess(join(BENCH_DIR, 'src', 'servers', 'otlp-sink.ts'));
/** Per variant and window (or `instructions`), the figure of each round. */
const figures = new Map<string, number[]>();
const add = (key: string, value: number): void => {
  figures.set(key, [...(figures.get(key) ?? []), value]);
};
try {
  for (let round = 0; round < rounds; round++) {
    if (values['side-by-side']) {
      for (const [floor, variant] of sideBySideGroups(variants)) {
        if (floor === undefined || variant === undefined) continue;
        const pacer = new Pacer();
        const [own, beside] = (await Promise.all([
          runWorker(variant, calls, false, pacer),
          runWorker(floor, calls, false, pacer),
        ])) as [Timed, Timed];
        const windows = own.windows.map(({ name, cpuUsPerCall, gc }) => {
          const floorCpu = beside.windows.find((w) => w.name === name)!.cpuUsPerCall;
          add(`${variant.id} ${name}`, cpuUsPerCall);
          add(`${variant.id} ${name} beside`, cpuUsPerCall / floorCpu);
          return `${name} ${cpuUsPerCall.toFixed(1)} µs CPU a call (${floor.id} beside it ${floorCpu.toFixed(1)}), in it ${collections(gc)}`;
        });
        console.log(
          `${variant.id} r${round}: ${windows.join('; ')}; heap after ${own.heapMiB.toFixed(1)} MiB`,
        );
      }
      continue;
    }
    for (const variant of variants) {
      if (values.instructions) {
        const first = (await runWorker(variant, calls, true)) as number;
        const second = (await runWorker(variant, 2 * calls, true)) as number;
        const perCall = (second - first) / calls;
        add(`${variant.id} instructions`, perCall);
        console.log(`${variant.id} r${round}: ${(perCall / 1000).toFixed(1)} thousand instructions a call`);
      } else {
        const timed = (await runWorker(variant, calls, false)) as Timed;
        const windows = timed.windows.map(({ name, cpuUsPerCall, gc }) => {
          add(`${variant.id} ${name}`, cpuUsPerCall);
          return `${name} ${cpuUsPerCall.toFixed(1)} µs CPU a call, in it ${collections(gc)}`;
        });
        console.log(
          `${variant.id} r${round}: ${windows.join('; ')}; heap after ${timed.heapMiB.toFixed(1)} MiB; ` +
            `the whole process ${collections(timed.gc)}`,
        );
      }
    }
  }
} finally {
  await Promise.all([fake.stop(), sink.stop()]);
}
// Medians, each beside the same window's median of the variant's floor.
for (const [key, perRound] of figures) {
  const [id, window, beside] = key.split(' ') as [string, string, string | undefined];
  if (beside !== undefined) {
    const line = perRound.map((r) => r.toFixed(3)).join(' ');
    console.log(
      `${id} ${window}: median ${median(perRound).toFixed(3)}× the floor beside it (rounds: ${line})`,
    );
    continue;
  }
  const floorId = variants.find((v) => v.id === id)?.floor;
  const floor = floorId !== id ? figures.get(`${floorId} ${window}`) : undefined;
  const own = median(perRound);
  const ratio = floor ? ` (${(own / median(floor)).toFixed(3)}× ${floorId})` : '';
  const figure =
    window === 'instructions'
      ? `${(own / 1000).toFixed(1)} thousand instructions`
      : `${own.toFixed(1)} µs CPU`;
  console.log(`${id} ${window}: median ${figure} a call${ratio}`);
}
