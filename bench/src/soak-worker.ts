/**
 * The soak process: the full kit (preload + resilient client) making `calls` calls, `parallel` at a time,
 * one in `streamEvery` streaming. Heap after GC is sampled every `sampleEvery` calls; event-loop delay is
 * recorded throughout (perf_hooks.monitorEventLoopDelay, paused around the forced GCs, which are the
 * harness's own). Forked by soak.ts with --expose-gc; reports over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { heapAfterGc, makeClient, startVariantTelemetry } from './runtime.ts';
import { VARIANTS } from './variants.ts';
import { CHAT_PARAMS, type ChatClient, streamOptions, streamParams } from './workloads.ts';

/** What soak.ts hands the soak process (JSON in BENCH_SOAK). */
export interface SoakTask {
  readonly fakeUrl: string;
  readonly sinkUrl: string;
  readonly calls: number;
  readonly warmupCalls: number;
  readonly parallel: number;
  readonly streamEvery: number;
  readonly chunks: number;
  readonly sampleEvery: number;
}

/** What the soak process reports. */
export interface SoakResult {
  readonly calls: number;
  readonly failedCalls: number;
  readonly firstError?: string;
  readonly streams: number;
  readonly wallSec: number;
  readonly callsPerSec: number;
  readonly cpuUsPerCall: number;
  readonly heapAfterWarmupBytes: number;
  readonly heapAtEndBytes: number;
  /** (end − after warm-up) / after warm-up, in percent. */
  readonly heapGrowthPercent: number;
  /** Heap after GC every `sampleEvery` calls: [calls done, heap used, RSS, external (incl. array buffers)] in bytes. */
  readonly heapSamples: ReadonlyArray<readonly [number, number, number, number]>;
  readonly eventLoopDelayMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
  };
  readonly rssAtEndBytes: number;
}

async function oneCall(client: ChatClient, n: number, task: SoakTask): Promise<void> {
  if (n % task.streamEvery === task.streamEvery - 1) {
    const stream = await client.chat.completions.create(
      streamParams(task.chunks),
      streamOptions(task.chunks),
    );
    for await (const _chunk of stream as AsyncIterable<unknown>) {
      // Read to the end, like a caller printing tokens.
    }
    return;
  }
  const completion = await client.chat.completions.create(CHAT_PARAMS);
  if (typeof completion?.choices?.[0]?.message?.content !== 'string')
    throw new Error('unexpected completion shape');
}

async function main(): Promise<void> {
  const raw = process.env.BENCH_SOAK;
  if (!raw) throw new Error('BENCH_SOAK is not set: this file is forked by soak.ts');
  const task = JSON.parse(raw) as SoakTask;
  const variant = VARIANTS.find((v) => v.id === 'full7')!;
  const telemetry = await startVariantTelemetry(variant, task.sinkUrl);
  // The soak runs the openai variants only.
  const client = (await makeClient(variant, task.fakeUrl, {
    limit: task.parallel,
    queue: task.parallel,
  })) as ChatClient;

  let failedCalls = 0;
  let firstError: string | undefined;
  let streams = 0;
  const run = async (total: number, onProgress?: (done: number) => Promise<void>) => {
    let next = 0;
    let done = 0;
    const loop = async () => {
      while (next < total) {
        const n = next++;
        if (n % task.streamEvery === task.streamEvery - 1) streams++;
        try {
          await oneCall(client, n, task);
        } catch (err) {
          failedCalls++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
        done++;
        if (onProgress && done % task.sampleEvery === 0) await onProgress(done);
      }
    };
    await Promise.all(Array.from({ length: task.parallel }, loop));
  };

  await run(task.warmupCalls);
  await telemetry.flush();
  const heapAfterWarmupBytes = heapAfterGc();
  failedCalls = 0;
  streams = 0;

  const eld = monitorEventLoopDelay({ resolution: 10 });
  const heapSamples: Array<[number, number, number, number]> = [];
  eld.enable();
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  await run(task.calls, async (done) => {
    eld.disable();
    const heap = heapAfterGc();
    const { rss, external } = process.memoryUsage();
    heapSamples.push([done, heap, rss, external]);
    eld.enable();
    process.stdout.write(
      `soak: ${done} calls, heap after GC ${(heapSamples.at(-1)![1] / 1024 / 1024).toFixed(1)} MiB\n`,
    );
  });
  eld.disable();
  const wallSec = Number(process.hrtime.bigint() - wallStart) / 1e9;
  await telemetry.flush();
  const cpu = process.cpuUsage(cpuStart);
  const heapAtEndBytes = heapAfterGc();

  const ms = (ns: number) => ns / 1e6;
  const result: SoakResult = {
    calls: task.calls,
    failedCalls,
    ...(firstError ? { firstError } : {}),
    streams,
    wallSec,
    callsPerSec: task.calls / wallSec,
    cpuUsPerCall: (cpu.user + cpu.system) / task.calls,
    heapAfterWarmupBytes,
    heapAtEndBytes,
    heapGrowthPercent: ((heapAtEndBytes - heapAfterWarmupBytes) / heapAfterWarmupBytes) * 100,
    heapSamples,
    eventLoopDelayMs: {
      p50: ms(eld.percentile(50)),
      p99: ms(eld.percentile(99)),
      max: ms(eld.max),
      mean: ms(eld.mean),
    },
    rssAtEndBytes: process.memoryUsage().rss,
  };
  await new Promise<void>((done) => process.send!(result, () => done()));
  await Promise.race([telemetry.shutdown(), new Promise((done) => setTimeout(done, 5000).unref())]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[soak worker] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
