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
): Promise<WorkloadResult> {
  // No full collection here: the caller forced it before the warm-up (see `main`).
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
  const heapAfterGcBytes = heapAfterGc();
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

  // Each window starts from a collected heap, but not right after the collection: a full collection forced by
  // `gc()` leaves V8's heap limits set from a compacted heap, and the next seconds of work then run mark-compacts the
  // same process does not run in steady state (the full kit on its own loader thread: 4 to 12 in a 180-stream window
  // right after `gc()`, 0 or 1 over 300 streams without it; bench/README.md, the session of 03:18 UTC, 2026-12-05).
  // Each of them ages V8's bytecode, whose flush at the sixth then lands in some windows and not others. So: `gc()`,
  // the warm-up (which absorbs them), the window.
  await runNonStreaming(client, s.warmupCalls);
  await telemetry.flush();
  const heapAfterWarmupBytes = heapAfterGc();
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
  );

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
  );

  heapAfterGc();
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
  );

  const result: WorkerResult = {
    variant: task.variant.id,
    round: task.round,
    nonStreaming,
    streaming,
    concurrent,
    heapAfterWarmupBytes,
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
