/**
 * Where a per-call overhead lives, without the network: `openai` 7 with a stub `fetch` that returns canned
 * responses (a small chat completion, or an SSE stream of 500 chunks), measured in-process with one layer
 * at a time switched on or off. Each mode runs in its own process, modes interleaved over rounds; the
 * median CPU µs per call is printed with its difference to `raw`.
 *   node src/layers.ts [--rounds N] [--stream | --concurrent] [--sdk 6|7] [--prompt-kb N] [--calls N] [--http] [--base DIR] [--against MODE] MODE...
 * `--sdk 6` runs openai 6 from a peer's folder instead of the workspace's openai 7, for the peer modes `contrib`
 * (@opentelemetry/instrumentation-openai, peers/otel-contrib/setup.cjs) and `traceloop` (OpenLLMetry,
 * peers/traceloop/setup.cjs), which patch openai < 7 only: our instrumentation and the peers on the same work,
 * in-process; `contrib-noop` is contrib's patch alone over the API's no-op providers (as `instr-noop` is ours).
 * Default modes: all but the peer ones.
 * `--prompt-kb N` sends a user message of about N KiB instead of "hi" (costs that grow with the request body).
 * `--concurrent` starts all calls at once, 50 in flight (the resilient modes through their bulkhead, the others
 * through the harness limiter), as the bench's concurrent workload does.
 * `--base DIR` runs every mode a second time as `MODE@base` from DIR, a built checkout of another commit (this
 * script is copied to DIR/bench/src/layers-ab.ts and run from there, so it loads DIR's packages): an A/B of two
 * commits in interleaved rounds.
 * `--against MODE` adds every other mode set against MODE round by round, as the bench judges ours against a peer: the
 * median of the per-round differences and the rounds in which the mode measured below MODE; with `--base`, MODE may be
 * a mode of the base checkout (`--against instr@base`: the A/B of a change, round by round).
 * `--calls N` measures N calls (streams) per process after N/2 of warm-up (default 5000, streams 300); `--warmup N`
 * sets the warm-up instead (`--warmup 300 --calls 2000` is the bench's window, while the JIT still compiles); `--gc`
 * runs a full collection right after the warm-up, before the window, as the bench did until its run 16
 * (`--warmup 300 --calls 2000 --gc`: what the bench measured then; from its run 22 it forces none before that window).
 * `--yield-every N` (default 1 on the stub, 0 under `--http`) gives the event loop a turn (`setImmediate`) after every
 * Nth call: a call on the stub settles in microtasks, and without a turn no export's request goes out or is answered,
 * so the SDK's batch span processor (the peers', `instr`'s), which waits for one export before the next, would drop
 * most spans of a long window unencoded while ours encoded them all (0: never, as this script ran until 2026-12-05
 * 20:00 UTC; every figure measured so before then in bench/journal.md with `--calls` above ~2,500 compares ours
 * exporting against peers dropping). Each mode's line prints the OTLP trace bytes the sink received per call.
 * `--http` sends the calls over loopback HTTP to the bench's fake AI API (its own process), with the real fetch,
 * instead of the stub: the same layers, with the network's work beside them.
 * `--instructions` counts instructions instead of CPU time: each child runs under valgrind's cachegrind twice, N and 2N
 * calls after the same warm-up, and the difference over N is its instructions per call: repeatable where CPU time
 * on a shared host is not (src/cachegrind.ts; needs valgrind; `--calls` defaults to 20 streams or 500 calls and
 * `--warmup` to as many, a child takes a minute or two); with `--from-warmup` the two children run the warm-up alone and
 * the warm-up and N calls: the count is the N calls right after the warm-up, compilation included (the bench's window);
 * `--by-function` runs them under callgrind with V8's perf map, so src/instruction-summary.ts names the JavaScript.
 * `--profile` writes a V8 CPU profile of every child's measured calls (not its start or warm-up) to
 * .tmp/layers-profiles/RUN/ (for src/profile-summary.ts); `--alloc` a sampling heap profile of what they allocate,
 * `--promoted` of what of it outlived the young generation (for src/alloc-summary.ts, `--base` the raw run's file).
 * Modes: raw; raw-usage (the raw SDK asking for stream usage itself: what the API's `"usage": null` fields cost it);
 * raw-exporting (raw plus a node:http POST to the sink every 500 ms, as any OTLP/HTTP exporter sends); raw-heap (raw
 * keeping BENCH_HEAP_MB, default 5, more alive in small objects); raw-digest (raw after one `crypto` hash digest at
 * start: a Buffer made by Node's C++ side leaves V8's typed-array length protector invalidated, as it is in every
 * instrumented process here and in any app that hashes or serves HTTP; bench/journal.md, the session of 01:03 UTC,
 * 2026-12-06); instr (our
 * instrumentation, SDK exporting to a sink), instr-nometrics, instr-notrace, instr-noexport (spans made, not
 * exported), instr-nopricer, instr-noinject (injectStreamUsage: false), instr-agg (metrics through
 * @aiotel/aggregating-meter-provider in front of the SDK's MeterProvider), instr-noop (no tracer or meter provider:
 * the patch over the API's no-op providers); ctx (the context manager alone), ctx-with (each
 * call run in a new context made by the API, as a peer's patch does), ctx-with-span (each call run in a context made
 * by @aiotel/genai-core's contextWithSpan, as ours do); resil (bulkhead 50), resil-off (every policy off: the fetch wrapper
 * alone), resil-nobulkhead, resil-notimeout; full (the preload, `--import @aiotel/node/register`, exporting to
 * the sink, and `resilient()` with its defaults but a bulkhead of 50, as the bench's full7: the full kit, with
 * HTTP spans only under `--http`, since with the stub no request reaches undici), full-nohttp (full with
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS=undici), full-hookthread (full with AIOTEL_ESM_HOOK_THREAD=true: the ESM
 * loader hook on its own thread instead of the app's); preload (our instrumentation as the kit runs it: the preload alone,
 * no `resilient()`, HTTP spans off and OTLP/HTTP JSON as the peers' setups export, the bench's instr6node);
 * preload-noinject (preload with AIOTEL_GENAI_INJECT_STREAM_USAGE=false: streams without the usage ours asks for);
 * preload-nometrics, preload-notraces, preload-nosignals (preload with OTEL_METRICS_EXPORTER=none, OTEL_TRACES_EXPORTER=none,
 * or both: what each signal costs, and the instrumentation's own work with neither).
 * To try a fix before it lands, point BENCH_INSTR_MODULE, BENCH_RESILIENCE_MODULE or BENCH_SDK_METRICS_MODULE
 * at the absolute path of a patched copy of that package's ESM entry (e.g. under bench/.tmp/); or run it beside
 * the current build in the same rounds as mode `MODE#NAME`, with BENCH_RESILIENCE_MODULE_NAME or
 * BENCH_INSTR_MODULE_NAME set to that path. BENCH_NODE_FLAGS adds Node flags to every child (`--trace-gc`, …);
 * BENCH_THREADS=1 prints each child's window CPU by thread name on stderr (`[threads MODE] MainThread=…ms V8Worker=…ms`,
 * src/thread-cpu.ts; Linux): the main thread's against V8's helper threads', where the optimizing compilers and the
 * collector's parallel work run.
 * BENCH_MARK_WINDOW=1 marks the measured window in each child's output with the run's name (`MODE`, or `MODE@base`
 * for the `--base` checkout's, for src/compile-summary.ts); BENCH_AGG=1 has
 * every instr mode with metrics record through the aggregating provider (as instr-agg); BENCH_HEAP_SNAPSHOT=DIR writes
 * a heap snapshot of each child after its window to DIR (for src/heap-summary.ts); BENCH_TOKEN_MS=N (with
 * `--http`, and in the bench) asks the fake API to send a stream's token frames N ms apart, as a real API does, instead
 * of all at once.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import {
  COUNTED_EXPORT_INTERVAL_MS,
  collectorInstructions,
  functionCounts,
  parseSummary,
  perfMapOf,
  requireValgrind,
  underCachegrind,
} from './cachegrind.ts';
import { callgrindCosts } from './callgrind.ts';
import { type ServerProcess, startServerProcess } from './child.ts';
import { limitConcurrency } from './limiter.ts';
import type { SetupContext } from './protocol.ts';
import type { SinkStats } from './servers/otlp-sink.ts';
import { median } from './stats.ts';
import { threadCpu, threadCpuSince } from './thread-cpu.ts';
import { streamOptions } from './workloads.ts';

const MODES = [
  'raw',
  'raw-usage',
  'raw-exporting',
  'raw-heap',
  'raw-digest',
  'instr',
  'instr-nometrics',
  'instr-notrace',
  'instr-noexport',
  'instr-nopricer',
  'instr-noinject',
  'instr-agg',
  'instr-noop',
  'ctx',
  'ctx-with',
  'ctx-with-span',
  'contrib',
  'traceloop',
  'contrib-noop',
  'resil',
  'resil-off',
  'resil-nobulkhead',
  'resil-notimeout',
  'full',
  'full-nohttp',
  'full-hookthread',
  'preload',
  'preload-noinject',
  'preload-nometrics',
  'preload-notraces',
  'preload-nosignals',
];
/** Modes whose child runs under `--import @aiotel/node/register`. */
const preloaded = (mode: string): boolean => mode.startsWith('full') || mode.startsWith('preload');

/** One signal turned off or both, as a user can: what spans, metrics or the instrumentation's own work cost. */
const SIGNALS_OFF: Record<string, Record<string, string> | undefined> = {
  'preload-nometrics': { OTEL_METRICS_EXPORTER: 'none' },
  'preload-notraces': { OTEL_TRACES_EXPORTER: 'none' },
  'preload-nosignals': { OTEL_METRICS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none' },
};

/**
 * The preload's settings in a preloaded mode's child: the sink, the export interval (5 s as in the bench's
 * src/env.ts, an hour under `--instructions`), and for `preload` the setup of the bench's instr6node
 * (`PRELOADED_INSTRUMENTATION.env` in src/variants.ts, written out here: `--base` copies this script alone).
 */
function preloadEnv(mode: string, sinkUrl: string, exportMs: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    OTEL_METRIC_EXPORT_INTERVAL: exportMs,
    OTEL_BSP_SCHEDULE_DELAY: exportMs,
    ...(mode === 'full-nohttp' || mode.startsWith('preload')
      ? { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' }
      : {}),
    ...(mode.startsWith('preload') ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } : {}),
    // Streams without the `stream_options.include_usage` ours adds: what asking for a stream's usage costs it.
    ...(mode === 'preload-noinject' ? { AIOTEL_GENAI_INJECT_STREAM_USAGE: 'false' } : {}),
    ...SIGNALS_OFF[mode],
    // The ESM loader hook on its own thread, as on a Node without synchronous hooks: against `full`, what the hook's
    // place costs once the app runs.
    ...(mode === 'full-hookthread' ? { AIOTEL_ESM_HOOK_THREAD: 'true' } : {}),
  };
}
const CONCURRENCY = 50;
const PROFILES = fileURLToPath(new URL('../.tmp/layers-profiles', import.meta.url));
/** `--instructions`: cachegrind's output files, one per child. */
const INSTRUCTIONS = fileURLToPath(new URL('../.tmp/layers-instructions', import.meta.url));
const CHUNKS = 500;

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello there, how are you', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 20,
    completion_tokens: 6,
    total_tokens: 26,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_1',
});

/**
 * An SSE body like the API's: `usage: null` on every chunk and a usage-only chunk when include_usage is asked; one
 * event per body chunk, as the fake API's events arrive over loopback (so per-read costs are paid per chunk).
 */
function sse(includeUsage: boolean): Uint8Array[] {
  const head =
    '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18"';
  const tail = includeUsage ? ',"usage":null}' : '}';
  const events: string[] = [];
  for (let i = 0; i < CHUNKS; i++) {
    events.push(
      `data: ${head},"choices":[{"index":0,"delta":{"content":"tok "},"logprobs":null,"finish_reason":null}]${tail}\n\n`,
    );
  }
  events.push(
    `data: ${head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]${tail}\n\n`,
  );
  if (includeUsage) {
    events.push(
      `data: ${head},"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":${CHUNKS},"total_tokens":${CHUNKS + 5}}}\n\n`,
    );
  }
  events.push('data: [DONE]\n\n');
  const encoder = new TextEncoder();
  return events.map((event) => encoder.encode(event));
}

/** A body that delivers `chunks` one read at a time (a fresh copy of each, as a socket read would). */
function chunkedBody(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk.slice());
    },
  });
}

/**
 * With BENCH_PROFILE_DIR set, profiles the calls measured from now on (the inspector's profiler, not `--cpu-prof`,
 * so start-up and warm-up stay out of it); returns what stops it and writes the profile there.
 */
async function startWindowProfile(): Promise<(() => Promise<void>) | undefined> {
  const dir = process.env.BENCH_PROFILE_DIR ?? '';
  if (dir === '') return undefined;
  const kind = process.env.BENCH_PROFILE_KIND;
  const alloc = kind === 'alloc' || kind === 'promoted';
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  if (alloc) {
    // `alloc`: every object sampled, the ones a scavenge collects included: what the calls allocate, not what they
    // keep. `promoted`: only objects that outlived the young generation (collected by a major GC, or still live):
    // what the calls' allocations cost the scavenges that copy them and the major GCs that follow.
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: kind === 'alloc',
    });
  } else {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  return async () => {
    const { profile } = alloc
      ? await session.post('HeapProfiler.stopSampling')
      : await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    const name = `window-${process.pid}.${alloc ? 'heapprofile' : 'cpuprofile'}`;
    writeFileSync(join(dir, name), JSON.stringify(profile));
    session.disconnect();
  };
}

// With `--sdk 6`, openai 6 is loaded from the peer's folder (the peers patch openai < 7 only).
const PEER_FOLDERS: Record<string, string> = {
  contrib: 'otel-contrib',
  'contrib-noop': 'otel-contrib',
  traceloop: 'traceloop',
};

/** What a child reports: CPU µs per call in its window (all threads, the main thread's), and how many calls it made. */
interface Measured {
  usPerCall: number;
  mainUsPerCall: number;
  calls: number;
}

async function child(
  mode: string,
  stream: boolean,
  concurrent: boolean,
  sinkUrl: string,
  sdk: string,
): Promise<Measured> {
  if (sdk !== '7' && sdk !== '6') throw new Error(`--sdk ${sdk}: 6 or 7`);
  if (PEER_FOLDERS[mode] !== undefined && sdk !== '6') throw new Error(`mode ${mode} needs --sdk 6`);
  // How long span processors and metric readers wait between exports (`--instructions` sets an hour; unset, 5 s,
  // protocol.ts's EXPORT_INTERVAL_MS, written out: `--base` runs this script in older checkouts, which lack it).
  const exportIntervalMs = Number(process.env.BENCH_EXPORT_INTERVAL_MS) || 5000;
  const yieldEvery = Number(process.env.BENCH_YIELD_EVERY ?? '0');
  const SSE_WITH = sse(true);
  const SSE_WITHOUT = sse(false);
  const stub = async (_url: unknown, init: { body: string }): Promise<Response> => {
    if (!stream) return new Response(COMPLETION, { headers: { 'content-type': 'application/json' } });
    const asked = (JSON.parse(init.body) as { stream_options?: { include_usage?: boolean } }).stream_options;
    return new Response(chunkedBody(asked?.include_usage ? SSE_WITH : SSE_WITHOUT), {
      headers: { 'content-type': 'text/event-stream' },
    });
  };
  // `--http`: the real fetch against the fake AI API in its own process; otherwise the stub, which the resilient
  // client also finds as the global fetch at call time.
  const fakeUrl = process.env.BENCH_FAKE ?? '';
  if (fakeUrl === '') globalThis.fetch = stub as unknown as typeof fetch;
  let flush = async (): Promise<void> => {};
  const peer = PEER_FOLDERS[mode];
  // The folder openai is required from: the workspace's openai 7, or a peer folder's openai 6.
  const sdkFolder =
    sdk === '6'
      ? fileURLToPath(new URL(`../peers/${peer ?? 'otel-contrib'}/`, import.meta.url))
      : fileURLToPath(new URL('./', import.meta.url));
  if (mode === 'contrib-noop') {
    // The peer's patch alone, over the API's no-op providers (as instr-noop is ours).
    const fromPeer = createRequire(join(sdkFolder, 'setup.cjs'));
    const api = fromPeer('@opentelemetry/api') as typeof import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = fromPeer(
      '@opentelemetry/context-async-hooks',
    ) as typeof import('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { registerInstrumentations } = fromPeer(
      '@opentelemetry/instrumentation',
    ) as typeof import('@opentelemetry/instrumentation');
    const { OpenAIInstrumentation } = fromPeer('@opentelemetry/instrumentation-openai') as {
      OpenAIInstrumentation: new () => import('@opentelemetry/instrumentation').Instrumentation;
    };
    registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });
  } else if (peer !== undefined) {
    const { setup } = createRequire(join(sdkFolder, 'setup.cjs'))('./setup.cjs') as {
      setup: (ctx: SetupContext) => Promise<{ flush: () => Promise<void> }>;
    };
    const telemetry = await setup({ sinkUrl, serviceName: `layers-${mode}`, exportIntervalMs });
    flush = () => telemetry.flush();
  } else if (mode.startsWith('instr')) {
    const api = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
    const { MeterProvider, PeriodicExportingMetricReader } = (await import(
      process.env.BENCH_SDK_METRICS_MODULE ?? '@opentelemetry/sdk-metrics'
    )) as typeof import('@opentelemetry/sdk-metrics');
    const { BatchSpanProcessor, TracerProvider } = await import('@opentelemetry/sdk-trace');
    const { OpenAIInstrumentation } = (await import(
      process.env.BENCH_INSTR_MODULE ?? '@aiotel/instrumentation-openai'
    )) as typeof import('@aiotel/instrumentation-openai');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const exporter = new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` });
    const tracerProvider =
      mode === 'instr-notrace' || mode === 'instr-noop'
        ? undefined
        : new TracerProvider({
            spanProcessors:
              mode === 'instr-noexport'
                ? []
                : [new BatchSpanProcessor({ exporter, scheduledDelayMillis: exportIntervalMs })],
          });
    const withMetrics = mode !== 'instr-nometrics' && mode !== 'instr-noop';
    // BENCH_AGG=1: every instr mode with metrics records through the aggregating provider (as instr-agg does).
    const aggregating =
      mode === 'instr-agg' || (process.env.BENCH_AGG === '1' && withMetrics)
        ? new (await import('@aiotel/aggregating-meter-provider')).AggregatingMeterProvider()
        : undefined;
    const producer = aggregating?.addReader();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${sinkUrl}/v1/metrics` }),
      exportIntervalMillis: exportIntervalMs,
      ...(producer ? { metricProducers: [producer] } : {}),
    });
    producer?.useReader(reader);
    const sdkMeterProvider = withMetrics ? new MeterProvider({ readers: [reader] }) : undefined;
    if (aggregating && sdkMeterProvider) aggregating.useSdk(sdkMeterProvider);
    const meterProvider = aggregating ?? sdkMeterProvider;
    if (tracerProvider) api.trace.setGlobalTracerProvider(tracerProvider);
    if (meterProvider) api.metrics.setGlobalMeterProvider(meterProvider);
    const config =
      mode === 'instr-nopricer'
        ? { pricer: { price: () => undefined } }
        : mode === 'instr-noinject'
          ? { injectStreamUsage: false }
          : {};
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation(config)],
      ...(tracerProvider ? { tracerProvider } : {}),
      ...(meterProvider ? { meterProvider } : {}),
    });
    flush = async () => {
      await tracerProvider?.forceFlush();
      await sdkMeterProvider?.forceFlush();
    };
  }
  const { OpenAI } = createRequire(join(sdkFolder, 'x.js'))('openai') as typeof import('openai');
  // The bench's key (src/runtime.ts): long enough to be learnt as a secret, so the scrubbing does what it does there.
  const apiKey = 'bench-key';
  let client = new OpenAI(
    fakeUrl === ''
      ? { baseURL: 'http://127.0.0.1:9/v1', apiKey, fetch: stub as unknown as typeof fetch }
      : { baseURL: fakeUrl, apiKey },
  );
  let around = <T>(fn: () => T): T => fn();
  if (mode === 'ctx' || mode.startsWith('ctx-with')) {
    const api = await import('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const key = api.createContextKey('layers');
    if (mode === 'ctx-with') around = (fn) => api.context.with(api.context.active().setValue(key, 1), fn);
    if (mode === 'ctx-with-span') {
      // The context our instrumentations run a call in: @aiotel/genai-core's, not the API's (bench/journal.md).
      const { contextWithSpan } = await import('@aiotel/genai-core');
      const span = api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT);
      around = (fn) => api.context.with(contextWithSpan(api.context.active(), span), fn);
    }
  }
  const resilientMode = mode.startsWith('resil') || mode.startsWith('full');
  if (resilientMode) {
    const { resilient } = (await import(
      process.env.BENCH_RESILIENCE_MODULE ?? '@aiotel/resilience'
    )) as typeof import('@aiotel/resilience');
    const options = mode.startsWith('full')
      ? { bulkhead: { limit: CONCURRENCY, queue: 1000 } }
      : mode === 'resil-off'
        ? {
            retry: false,
            circuitBreaker: false,
            bulkhead: false,
            timeout: false,
            fallback: false,
            budget: false,
          }
        : mode === 'resil-nobulkhead'
          ? { bulkhead: false }
          : mode === 'resil-notimeout'
            ? { bulkhead: { limit: 50, queue: 1000 }, timeout: false }
            : { bulkhead: { limit: 50, queue: 1000 } };
    client = resilient(client, options as Parameters<typeof resilient>[1]);
  }
  // A prompt of realistic size (`--prompt-kb`): some costs grow with the request body.
  const promptKb = Number(process.env.BENCH_PROMPT_KB ?? 0);
  const content =
    promptKb > 0 ? 'Lorem ipsum dolor sit amet, consectetur. '.repeat((promptKb * 1024) / 41) : 'hi';
  const params = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content }],
    max_tokens: 16,
  };
  const one = async (): Promise<void> => {
    if (!stream) {
      await around(() => client.chat.completions.create(params));
      return;
    }
    // Over HTTP the fake API is asked for the stub's 500 chunks (by default it streams max_tokens of them).
    // `raw-usage`: the raw SDK asks for the stream's usage itself (what the API's `"usage": null` fields cost the SDK).
    const streamed = {
      ...params,
      stream: true as const,
      ...(mode === 'raw-usage' ? { stream_options: { include_usage: true } } : {}),
    };
    const s = fakeUrl
      ? await client.chat.completions.create({ ...streamed, max_tokens: CHUNKS }, streamOptions(CHUNKS))
      : await client.chat.completions.create(streamed);
    for await (const _chunk of s) {
      // Read to the end.
    }
  };
  // Unset: the default; `0` (`--instructions --from-warmup`): the warm-up alone.
  const n = process.env.BENCH_CALLS ? Number(process.env.BENCH_CALLS) : stream ? 300 : 5000;
  const limit = limitConcurrency(CONCURRENCY);
  // On the stub a call settles in microtasks alone: without a turn of the event loop no export's request goes out or
  // is answered, so a batch span processor that waits for its export (the SDK's, as the peers and `instr` run it)
  // sends one batch, queues the next 2048 spans and drops every later one unencoded, while ours (which sends in the
  // background) encodes on. A real call's I/O turns the loop: so does a `setImmediate` after every `yieldEvery`th
  // call here (0: never, as this script ran until 2026-12-05 20:00 UTC).
  let sinceYield = 0;
  const step = async (): Promise<void> => {
    await one();
    if (yieldEvery > 0 && ++sinceYield >= yieldEvery) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const run = async (calls: number): Promise<void> => {
    if (!concurrent) {
      for (let i = 0; i < calls; i++) await step();
      return;
    }
    // Batches of 1000 started at once, as the bench's workload: the resilient client's bulkhead (queue 1000) keeps
    // 50 in flight, the others go through the harness limiter.
    for (let done = 0; done < calls; done += 1000) {
      const batch = Math.min(1000, calls - done);
      await Promise.all(Array.from({ length: batch }, () => (resilientMode ? step() : limit(step))));
    }
  };
  if (preloaded(mode)) {
    // The preload started it: a second start returns the running instance (after one warning).
    const running = (await import('@aiotel/node')).startTelemetry();
    flush = () => running.forceFlush();
  }
  if (mode === 'raw-digest') {
    // Node's C++ side makes a Buffer by setting a Uint8Array's prototype, which invalidates V8's typed-array length
    // protector (the guard of its fast `length` reads) for the whole process, for good. A hash digest does it, and so
    // do the first body node:http parses (an app's server, any OTLP/HTTP exporter's answer) and the ESM resolution of
    // a package with only a `main` (as when the preload's instrumentation loads its module hooks): every instrumented
    // process here is in that state before its warm-up, the raw SDK's never. Measured beside raw: no cost
    // (bench/journal.md).
    createHash('sha256').update('').digest();
  }
  const warmup = process.env.BENCH_WARMUP ? Number(process.env.BENCH_WARMUP) : n / 2;
  await run(warmup);
  await flush();
  // `--gc`: a full collection right before the window, as the bench ran until its run 16; the mark-compacts that follow
  // a forced collection then fall in the window (bench/journal.md, the session of 03:18 UTC, 2026-12-05).
  if (process.env.BENCH_GC_FIRST === '1') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('--gc needs the child to run with --expose-gc');
    gc();
    gc();
  }
  if (mode === 'raw-heap') {
    // The raw SDK in a process that keeps BENCH_HEAP_MB (default 5) more alive, in small objects like a price table's:
    // what a larger live heap costs a process whose collections are full mark-compacts (openai 6 streams, bench/journal.md).
    const entries = Math.round((Number(process.env.BENCH_HEAP_MB ?? 5) * 1024 * 1024) / 200);
    const kept = Array.from({ length: entries }, (_, i) => ({
      id: `model-${i}`,
      match: { starts_with: `model-${i}` },
      prices: { input_mtok: i / 7, output_mtok: i / 3 },
    }));
    (globalThis as { benchKept?: unknown }).benchKept = kept;
  }
  if (mode === 'raw-exporting') {
    // What any OTLP/HTTP exporter adds to a process that otherwise only fetches: a node:http POST to the sink every
    // 500 ms from the window's start (40 KB, a batch of spans). Its own work is small; its sockets and
    // `IncomingMessage`s pass through Node's stream functions that undici's sockets made hot, which V8 then
    // deoptimizes for a second shape (bench/journal.md).
    const { Agent, request } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    const body = Buffer.alloc(40_000, 97);
    setInterval(() => {
      const post = request(`${sinkUrl}/v1/traces`, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length) },
      });
      post.on('response', (answer) => answer.resume());
      post.on('error', () => {});
      post.end(body);
    }, 500).unref();
  }
  const profiler = await startWindowProfile();
  // BENCH_MARK_WINDOW=1: marks the window on stdout, where V8's traces (`--trace-opt`, `--trace-deopt`) go, to tell
  // the compilations and deoptimizations inside it from those of start-up and warm-up (src/compile-summary.ts).
  // Marked with the run's name, which tells a mode of the `--base` checkout (`preload@base`) from this one's.
  const mark = process.env.BENCH_MARK_WINDOW === '1';
  const runName = process.env.BENCH_RUN_NAME || mode;
  if (mark) process.stdout.write(`[bench window start ${runName}]\n`);
  const threadsStart = process.env.BENCH_THREADS === '1' ? threadCpu() : undefined;
  const cpuStart = process.cpuUsage();
  const mainStart = process.threadCpuUsage();
  await run(n);
  await flush();
  const cpu = process.cpuUsage(cpuStart);
  const main = process.threadCpuUsage(mainStart);
  if (threadsStart) {
    const byName = [...threadCpuSince(threadsStart)].filter(([, ms]) => ms >= 0.05);
    process.stderr.write(
      `[threads ${runName}] ${byName.map(([name, ms]) => `${name}=${ms.toFixed(1)}ms`).join(' ')}\n`,
    );
  }
  if (mark) process.stdout.write(`[bench window end ${runName}]\n`);
  await profiler?.();
  // BENCH_HEAP_SNAPSHOT=DIR: what the process keeps alive after its window (src/heap-summary.ts compares two).
  const snapshots = process.env.BENCH_HEAP_SNAPSHOT;
  if (snapshots) {
    mkdirSync(snapshots, { recursive: true });
    writeHeapSnapshot(join(snapshots, `${mode}-${process.pid}.heapsnapshot`));
  }
  return {
    usPerCall: (cpu.user + cpu.system) / n,
    mainUsPerCall: (main.user + main.system) / n,
    calls: warmup + n,
  };
}

/**
 * A mode named `MODE#NAME` runs MODE with the patched copies named by BENCH_RESILIENCE_MODULE_NAME and
 * BENCH_INSTR_MODULE_NAME (absolute paths of ESM entries), beside the plain MODE in the same rounds.
 */
function variantModules(variant: string | undefined): Record<string, string> {
  if (variant === undefined) return {};
  const modules: Record<string, string> = {};
  const resilience = process.env[`BENCH_RESILIENCE_MODULE_${variant}`];
  const instr = process.env[`BENCH_INSTR_MODULE_${variant}`];
  if (resilience === undefined && instr === undefined)
    throw new Error(
      `mode variant #${variant}: set BENCH_RESILIENCE_MODULE_${variant} or BENCH_INSTR_MODULE_${variant}`,
    );
  if (resilience !== undefined) modules.BENCH_RESILIENCE_MODULE = resilience;
  if (instr !== undefined) modules.BENCH_INSTR_MODULE = instr;
  return modules;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string' },
      stream: { type: 'boolean', default: false },
      concurrent: { type: 'boolean', default: false },
      'prompt-kb': { type: 'string' },
      base: { type: 'string' },
      profile: { type: 'boolean', default: false },
      alloc: { type: 'boolean', default: false },
      promoted: { type: 'boolean', default: false },
      gc: { type: 'boolean', default: false },
      http: { type: 'boolean', default: false },
      calls: { type: 'string' },
      warmup: { type: 'string' },
      sdk: { type: 'string', default: '7' },
      against: { type: 'string' },
      child: { type: 'string' },
      instructions: { type: 'boolean', default: false },
      'from-warmup': { type: 'boolean', default: false },
      'by-function': { type: 'boolean', default: false },
      'yield-every': { type: 'string' },
    },
  });
  const stream = values.stream === true;
  const concurrent = values.concurrent === true;
  if ((values['from-warmup'] || values['by-function']) && !values.instructions)
    throw new Error('--from-warmup and --by-function count instructions: use them with --instructions');
  if (values.calls !== undefined && !(Number(values.calls) > 0))
    throw new Error(`--calls ${values.calls}: give a number of calls above 0`);
  if (stream && concurrent) throw new Error('--stream and --concurrent are two workloads: pick one');
  // On the stub, a turn of the event loop after every call by default (the child's `step`); over HTTP the fetch turns it.
  const yieldEvery = values['yield-every'] ?? (values.http ? '0' : '1');
  if (!/^\d+$/.test(yieldEvery))
    throw new Error(`--yield-every ${yieldEvery}: give a whole number of calls (0: never)`);
  if (values.child) {
    const measured = await child(
      values.child,
      stream,
      concurrent,
      process.env.BENCH_SINK ?? '',
      values.sdk ?? '7',
    );
    process.send?.(measured);
    return;
  }
  const modes = positionals.length > 0 ? positionals : MODES.filter((m) => PEER_FOLDERS[m] === undefined);
  const unknown = modes.filter((m) => !MODES.includes(m.split('#')[0]!));
  if (unknown.length > 0)
    throw new Error(`unknown mode(s) ${unknown.join(', ')}; known: ${MODES.join(', ')}`);
  if (!modes.includes('raw')) modes.unshift('raw');
  // With --base, a mode of the base checkout (`instr@base`) can be the reference too.
  const againstMode = values.base !== undefined ? values.against?.replace(/@base$/, '') : values.against;
  if (againstMode !== undefined && !modes.includes(againstMode))
    throw new Error(`--against ${values.against}: not one of the modes run (${modes.join(', ')})`);
  const rounds = Number(values.rounds ?? 5);
  const script = fileURLToPath(import.meta.url);
  // Each run: a mode, and the script that runs it (this one, or its copy in the base checkout).
  const runs = modes.map((name) => {
    const [mode, variant] = name.split('#') as [string, string | undefined];
    return { name, mode, variant, script };
  });
  if (values.base !== undefined) {
    const baseScript = join(values.base, 'bench', 'src', 'layers-ab.ts');
    copyFileSync(script, baseScript);
    // The modules of this folder the script needs that an older checkout may lack (they import no others).
    for (const module of ['cachegrind.ts', 'callgrind.ts', 'package-of.ts', 'thread-cpu.ts']) {
      copyFileSync(
        fileURLToPath(new URL(`./${module}`, import.meta.url)),
        join(values.base, 'bench', 'src', module),
      );
    }
    runs.push(
      ...modes.map((mode) => ({ name: `${mode}@base`, mode, variant: undefined, script: baseScript })),
    );
  }
  const sink: ServerProcess = await startServerProcess(
    fileURLToPath(new URL('./servers/otlp-sink.ts', import.meta.url)),
  );
  const fake: ServerProcess | undefined = values.http
    ? await startServerProcess(fileURLToPath(new URL('./servers/fake-server.ts', import.meta.url)))
    : undefined;
  const results = new Map<string, number[]>(runs.map((run) => [run.name, []]));
  // The main thread's share (the rest: GC helpers, the compiler's threads, the exporter's work off-thread).
  const mainThread = new Map<string, number[]>(runs.map((run) => [run.name, []]));
  // OTLP trace bytes the sink received per call over a child's life (start-up, warm-up, window): a mode whose spans
  // were dropped, not exported, shows it here (each child has the sink to itself, reset before it starts).
  const exported = new Map<string, number[]>(runs.map((run) => [run.name, []]));
  const workload = [
    ...(stream ? ['--stream'] : concurrent ? ['--concurrent'] : []),
    '--sdk',
    values.sdk ?? '7',
  ];
  /** One child process running `run` over `calls` calls (BENCH_CALLS; '': the default), and what it measured. */
  const runChild = (
    run: (typeof runs)[number],
    calls: string,
    counted?: { outFile: string; warmup: string },
  ) =>
    new Promise<Measured>((resolve, reject) => {
      const nodeFlags = [
        ...(preloaded(run.mode) ? ['--import', '@aiotel/node/register'] : []),
        ...(values.gc ? ['--expose-gc'] : []),
        ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      ];
      const exportMs = counted ? String(COUNTED_EXPORT_INTERVAL_MS) : '';
      const proc = fork(run.script, ['--child', run.mode, ...workload], {
        env: {
          ...process.env,
          ...variantModules(run.variant),
          BENCH_SINK: sink.url,
          BENCH_FAKE: fake?.url ?? '',
          BENCH_PROMPT_KB: values['prompt-kb'] ?? '0',
          BENCH_CALLS: calls,
          BENCH_WARMUP: counted?.warmup ?? values.warmup ?? '',
          BENCH_GC_FIRST: values.gc ? '1' : '',
          BENCH_YIELD_EVERY: yieldEvery,
          BENCH_RUN_NAME: run.name,
          BENCH_EXPORT_INTERVAL_MS: exportMs,
          BENCH_PROFILE_DIR:
            values.profile || values.alloc || values.promoted ? join(PROFILES, run.name) : '',
          BENCH_PROFILE_KIND: values.alloc ? 'alloc' : values.promoted ? 'promoted' : 'cpu',
          ...(preloaded(run.mode) ? preloadEnv(run.mode, sink.url, exportMs || '5000') : {}),
        },
        // The preload is resolved from the working directory: the bench folder of the run's checkout.
        cwd: dirname(dirname(run.script)),
        ...(counted
          ? underCachegrind(counted.outFile, nodeFlags, { byFunction: values['by-function'] })
          : { execArgv: nodeFlags }),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let measured: Measured | undefined;
      proc.on('message', (msg: Measured) => {
        measured = msg;
      });
      proc.on('exit', (code) =>
        measured === undefined ? reject(new Error(`${run.name} exited ${code}`)) : resolve(measured),
      );
    });
  // `--instructions`: the instructions per call of V8's collector, by mode (printed beside the totals).
  const collectorShare = new Map<string, number[]>(runs.map((run) => [run.name, []]));
  /**
   * `--instructions`: the instructions of N calls, from two children under cachegrind that run N and 2N calls after
   * the same warm-up (src/cachegrind.ts).
   */
  const countInstructions = async (run: (typeof runs)[number], round: number): Promise<number> => {
    const n = Number(values.calls ?? (stream ? 20 : 500));
    // A warm-up as long as N: after 10 streams V8 was still optimizing the SDK's and the instrumentations' hot
    // functions (compile-summary.ts: 32 compilations in the raw SDK's next 40 streams, 53 in ours), work that
    // lands in one window and not the other.
    const warmup = values.warmup ?? String(n);
    const counts: number[] = [];
    const collector: number[] = [];
    // `--from-warmup`: a child that stops after its warm-up against one that runs N calls after it, so the difference
    // is the N calls right after the warm-up, the compiler's work on them included (the bench's window).
    const byFunction = values['by-function'] === true;
    for (const calls of values['from-warmup'] ? [0, n] : [n, 2 * n]) {
      const outFile = join(
        INSTRUCTIONS,
        `${process.pid}-${run.name}-r${round}-${calls}.${byFunction ? 'callgrind' : 'cachegrind'}`,
      );
      await runChild(run, String(calls), { outFile, warmup });
      const output = readFileSync(outFile, 'utf8');
      counts.push(parseSummary(output, outFile));
      if (byFunction) {
        // Kept beside the output: the names of the JavaScript in it (src/callgrind.ts, instruction-summary.ts).
        const map = perfMapOf(output, outFile);
        copyFileSync(map, `${outFile}.map`);
        rmSync(map);
        rmSync(`${outFile}.v8log`, { force: true });
        collector.push(collectorInstructions(callgrindCosts(output).self));
      } else {
        collector.push(collectorInstructions(functionCounts(output)));
      }
    }
    collectorShare.get(run.name)!.push((collector[1]! - collector[0]!) / n);
    return (counts[1]! - counts[0]!) / n;
  };
  if (values.instructions) {
    requireValgrind();
    mkdirSync(INSTRUCTIONS, { recursive: true });
  }
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first, so neither always runs right after the other.
      const order = values.base !== undefined && r % 2 === 1 ? [...runs].reverse() : runs;
      for (const run of order) {
        const usPerCall = await (values.instructions
          ? countInstructions(run, r)
          : sink
              .request('reset')
              .then(() => runChild(run, values.calls ?? ''))
              .then(async (measured) => {
                mainThread.get(run.name)!.push(measured.mainUsPerCall);
                const { stats } = await sink.request<{ stats: SinkStats }>('stats');
                const traces = stats.byPath['/v1/traces']?.bytes ?? 0;
                exported.get(run.name)!.push(traces / measured.calls);
                return measured.usPerCall;
              })
        ).catch((err: unknown) => {
          console.error(String(err));
          return Number.NaN;
        });
        results.get(run.name)!.push(usPerCall);
      }
    }
  } finally {
    await sink.stop();
    await fake?.stop();
  }
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  // `--instructions` counts instructions (all threads, in one) instead of CPU µs.
  const measure = values.instructions ? 'instructions' : 'CPU µs';
  const perChunkUnit = values.instructions ? 'instructions/chunk' : 'µs/chunk';
  const unit = stream ? `per stream of ${CHUNKS} chunks` : concurrent ? 'per concurrent call' : 'per call';
  console.log(
    `${measure} ${unit}, median of ${rounds} rounds; × and difference to raw of the same side, round by round (median, min-max)${stream ? '; per chunk' : ''}${values.instructions ? '' : "; the main thread's own CPU and difference"}:`,
  );
  for (const [name, xs] of results) {
    const raws = results.get(name.endsWith('@base') ? 'raw@base' : 'raw')!;
    const ratios = xs.map((x, i) => x / (raws[i] as number)).filter(Number.isFinite);
    const diffs = xs.map((x, i) => x - (raws[i] as number)).filter(Number.isFinite);
    const perChunk = (d: number) => (stream ? ` = ${(d / CHUNKS).toFixed(2)} ${perChunkUnit}` : '');
    const d = median(diffs);
    const mains = mainThread.get(name)!;
    const rawMains = mainThread.get(name.endsWith('@base') ? 'raw@base' : 'raw')!;
    const mainDiff = median(mains.map((x, i) => x - (rawMains[i] as number)).filter(Number.isFinite));
    const main = values.instructions
      ? ''
      : `  (main thread ${median(finite(mains)).toFixed(1)}, ${signed(mainDiff)}; ${median(finite(exported.get(name)!)).toFixed(0)} trace B/call exported)`;
    console.log(
      `  ${name.padEnd(22)} ${median(finite(xs)).toFixed(1).padStart(8)}  ×${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})  ${signed(d)}${perChunk(d)}${main}`,
    );
  }
  // Round by round, to tell a spread that hits every mode of a round (the machine) from one mode's own processes.
  console.log(`each round, ${measure} ${unit}:`);
  for (const [name, xs] of results) {
    console.log(`  ${name.padEnd(22)} ${xs.map((x) => x.toFixed(0).padStart(7)).join(' ')}`);
  }
  if (values.instructions) {
    console.log(
      `of which V8's collector (by function name; a full collection falls in a window or not), ${unit}, median (min-max):`,
    );
    for (const [name, xs] of collectorShare) {
      console.log(
        `  ${name.padEnd(22)} ${median(finite(xs)).toFixed(1).padStart(8)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})${stream ? ` = ${(median(finite(xs)) / CHUNKS).toFixed(2)} ${perChunkUnit}` : ''}`,
      );
    }
  }
  if (values.against !== undefined) printAgainst(results, values.against);
}

/**
 * `--against MODE`: every other mode set against MODE round by round, as the bench judges a variant against a peer
 * (processes of one round run side by side in time, so a slow spell weighs on both): the median of the per-round
 * differences, and in how many rounds the mode measured below MODE.
 */
function printAgainst(results: Map<string, number[]>, against: string): void {
  const ref = results.get(against)!;
  console.log(`against ${against}, round by round (difference: median, min-max; rounds below it):`);
  for (const [name, xs] of results) {
    if (name === against || name === 'raw' || name === 'raw@base') continue;
    const diffs = xs.map((x, i) => x - (ref[i] as number)).filter(Number.isFinite);
    if (diffs.length === 0) continue;
    const below = diffs.filter((x) => x < 0).length;
    console.log(
      `  ${name.padEnd(22)} ${signed(median(diffs))} (${signed(Math.min(...diffs))} to ${signed(Math.max(...diffs))}); below in ${below} of ${diffs.length} rounds`,
    );
  }
}

/** A difference in µs with its sign, one decimal. */
function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
