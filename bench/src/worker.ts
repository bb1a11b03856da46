/**
 * One variant, one round, in a fresh process: start the variant's telemetry, load `openai`, then run the
 * three workloads, each after a full GC and its own warm-up, measuring the CPU of this process (process.cpuUsage:
 * user + system, so GC and exporter work count) and the heap after a full GC. Reports over IPC. Side by side
 * (`task.sideBySide`), each window starts and ends with the other worker's (src/pacing.ts).
 * Forked by bench.ts with --expose-gc; not meant to be started by hand.
 */
import { WindowPace } from './pacing.ts';
import type { Telemetry, WorkerResult, WorkerTask, WorkloadResult } from './protocol.ts';
import { heapAfterGc, makeClient, startVariantTelemetry } from './runtime.ts';
import { runConcurrent, runNonStreaming, runStreaming } from './workloads.ts';

async function measure(
  telemetry: Telemetry,
  pace: WindowPace,
  window: string,
  calls: number,
  run: () => Promise<number>,
  more: () => Promise<number>,
  collectAfter: boolean,
): Promise<WorkloadResult> {
  // No full collection here: `main` says where the worker forces them, and `collectAfter` the one after the window.
  await pace.ready(window);
  const startMs = performance.now();
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  const chunks = await run();
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  // The telemetry of the measured calls is exported inside the measurement, so every variant pays for
  // all the telemetry it produced, not only for what its batch timers happened to send.
  const beforeFlush = process.cpuUsage(cpuStart);
  await telemetry.flush();
  const cpu = process.cpuUsage(cpuStart);
  const endMs = performance.now();
  const cpuUs = cpu.user + cpu.system;
  const heapAfterGcBytes = collectAfter ? heapAfterGc() : Number.NaN;
  await pace.keepBusy(window, more);
  return {
    flushCpuUs: cpuUs - (beforeFlush.user + beforeFlush.system),
    calls,
    chunks,
    cpuUs,
    wallMs,
    cpuUsPerCall: cpuUs / calls,
    cpuUsPerChunk: chunks > 0 ? cpuUs / chunks : Number.NaN,
    callsPerSec: calls / (wallMs / 1000),
    heapAfterGcBytes,
    startMs,
    endMs,
  };
}

async function main(): Promise<void> {
  const raw = process.env.BENCH_WORKER;
  if (!raw) throw new Error('BENCH_WORKER is not set: this file is forked by bench.ts');
  const task = JSON.parse(raw) as WorkerTask;
  const s = task.sizes;
  const ownLimit = task.variant.resilient;
  const pace = new WindowPace(task.sideBySide === true);

  const telemetry = await startVariantTelemetry(task.variant, task.sinkUrl);
  const client = await makeClient(task.variant, task.fakeUrl, {
    limit: s.concurrency,
    // Every call of the larger of warm-up and workload waits its turn; none is refused.
    queue: Math.max(s.concurrentCalls, s.warmupConcurrentCalls),
  });

  // No full collection is forced right before a warm-up that is too short to undo it. A `gc()` with no call in flight
  // frees the last object of each kind a call makes, and with it V8's hidden class (map) for that kind; V8 then
  // discards the optimized code that checked for one ("embedded weak objects cleared" under `--trace-deopt`: the
  // SDK's, the HTTP client's and the instrumentation's), and a warm-up of a few hundred calls does not get it back:
  // the window measured the code warming up again, 0.11 to 0.15 of the floor a call more in every instrumented variant
  // (bench/journal.md, the session of 13:06 UTC, 2026-12-05). So the non-streaming warm-up runs straight into its
  // window, and the concurrent warm-up follows the streaming window without a collection between them.
  await runNonStreaming(client, s.warmupCalls);
  await telemetry.flush();
  await runNonStreaming(client, s.warmupCalls);
  await telemetry.flush();
  const nonStreaming = await measure(
    telemetry,
    pace,
    'nonStreaming',
    s.calls,
    async () => {
      await runNonStreaming(client, s.calls);
      return 0;
    },
    () => runNonStreaming(client, 20).then(() => 20),
    true,
  );

  // The streams start from a collected heap, after a warm-up: a `gc()` right before a window leaves V8's heap limits
  // set from a compacted heap, and the seconds after it run bursts of mark-compacts the process does not run
  // otherwise (the session of 03:18 UTC, 2026-12-05); 30 streams absorb them. The code a stream runs for each chunk
  // is optimized again within them; what it runs once a stream is spread over its 500 chunks.
  heapAfterGc();
  await runStreaming(client, s.warmupStreamCalls, s.chunks);
  await telemetry.flush();
  const streaming = await measure(
    telemetry,
    pace,
    'streaming',
    s.streamCalls,
    () => runStreaming(client, s.streamCalls, s.chunks),
    () => runStreaming(client, 1, s.chunks).then(() => 1),
    // No collection when the concurrent window follows (see above); the heap figure comes after that one.
    s.concurrentCalls === 0,
  );

  await runConcurrent(client, s.warmupConcurrentCalls, s.concurrency, ownLimit);
  await telemetry.flush();
  const concurrent = await measure(
    telemetry,
    pace,
    'concurrent',
    s.concurrentCalls,
    async () => {
      await runConcurrent(client, s.concurrentCalls, s.concurrency, ownLimit);
      return 0;
    },
    () => runConcurrent(client, s.concurrency, s.concurrency, ownLimit).then(() => s.concurrency),
    true,
  );

  const result: WorkerResult = {
    variant: task.variant.id,
    round: task.round,
    nonStreaming,
    streaming,
    concurrent,
    extraCalls: pace.extraCalls,
  };
  await new Promise<void>((done) => process.send!(result, () => done()));
  await Promise.race([telemetry.shutdown(), new Promise((done) => setTimeout(done, 5000).unref())]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[bench worker] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
