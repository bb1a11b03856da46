/**
 * One variant, one round, in a fresh process: start the variant's telemetry, load `openai`, then run the
 * three workloads, each after its own warm-up, measuring the CPU of this process (process.cpuUsage: user +
 * system, so GC and exporter work count) and the heap after a full GC. Reports over IPC. Side by side
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
  heapAfterGc();
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

  await runNonStreaming(client, s.warmupCalls);
  await telemetry.flush();
  const heapAfterWarmupBytes = heapAfterGc();
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
