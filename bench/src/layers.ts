/**
 * Where a per-call overhead lives, without the network: `openai` 7 with a stub `fetch` that returns canned
 * responses (a small chat completion, or an SSE stream of 500 chunks), measured in-process with one layer
 * at a time switched on or off. Each mode runs in its own process, modes interleaved over rounds; the
 * median CPU µs per call is printed with its difference to `raw`.
 *   node src/layers.ts [--rounds N] [--stream] [--prompt-kb N] MODE...      (default: all modes)
 * `--prompt-kb N` sends a user message of about N KiB instead of "hi" (costs that grow with the request body).
 * Modes: raw; instr (our instrumentation, SDK exporting to a sink), instr-nometrics, instr-notrace,
 * instr-noexport (spans made, not exported), instr-nopricer, instr-noinject (injectStreamUsage: false);
 * resil (bulkhead 50), resil-off (every policy off: the fetch wrapper alone), resil-nobulkhead,
 * resil-notimeout.
 * To try a fix before it lands, point BENCH_INSTR_MODULE, BENCH_RESILIENCE_MODULE or BENCH_SDK_METRICS_MODULE
 * at the absolute path of a patched copy of that package's ESM entry (e.g. under bench/.tmp/).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ServerProcess, startServerProcess } from './child.ts';
import { median } from './stats.ts';

const MODES = [
  'raw',
  'instr',
  'instr-nometrics',
  'instr-notrace',
  'instr-noexport',
  'instr-nopricer',
  'instr-noinject',
  'resil',
  'resil-off',
  'resil-nobulkhead',
  'resil-notimeout',
];
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

/** An SSE body like the API's: `usage: null` on every chunk and a usage-only chunk when include_usage is asked. */
function sse(includeUsage: boolean): string {
  const head =
    '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18"';
  const tail = includeUsage ? ',"usage":null}' : '}';
  let body = '';
  for (let i = 0; i < CHUNKS; i++) {
    body += `data: ${head},"choices":[{"index":0,"delta":{"content":"tok "},"logprobs":null,"finish_reason":null}]${tail}\n\n`;
  }
  body += `data: ${head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]${tail}\n\n`;
  if (includeUsage) {
    body += `data: ${head},"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":${CHUNKS},"total_tokens":${CHUNKS + 5}}}\n\n`;
  }
  return `${body}data: [DONE]\n\n`;
}

async function child(mode: string, stream: boolean, sinkUrl: string): Promise<number> {
  const SSE_WITH = sse(true);
  const SSE_WITHOUT = sse(false);
  const stub = async (_url: unknown, init: { body: string }): Promise<Response> => {
    if (!stream) return new Response(COMPLETION, { headers: { 'content-type': 'application/json' } });
    const asked = (JSON.parse(init.body) as { stream_options?: { include_usage?: boolean } }).stream_options;
    return new Response(asked?.include_usage ? SSE_WITH : SSE_WITHOUT, {
      headers: { 'content-type': 'text/event-stream' },
    });
  };
  // The resilient client calls the global fetch at call time.
  globalThis.fetch = stub as unknown as typeof fetch;
  let flush = async (): Promise<void> => {};
  if (mode.startsWith('instr')) {
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
      mode === 'instr-notrace'
        ? undefined
        : new TracerProvider({
            spanProcessors: mode === 'instr-noexport' ? [] : [new BatchSpanProcessor({ exporter })],
          });
    const meterProvider =
      mode === 'instr-nometrics'
        ? undefined
        : new MeterProvider({
            readers: [
              new PeriodicExportingMetricReader({
                exporter: new OTLPMetricExporter({ url: `${sinkUrl}/v1/metrics` }),
                exportIntervalMillis: 5000,
              }),
            ],
          });
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
      await meterProvider?.forceFlush();
    };
  }
  const { OpenAI } = createRequire(import.meta.url)('openai') as typeof import('openai');
  let client = new OpenAI({
    baseURL: 'http://127.0.0.1:9/v1',
    apiKey: 'k',
    fetch: stub as unknown as typeof fetch,
  });
  if (mode.startsWith('resil')) {
    const { resilient } = (await import(
      process.env.BENCH_RESILIENCE_MODULE ?? '@aiotel/resilience'
    )) as typeof import('@aiotel/resilience');
    const options =
      mode === 'resil-off'
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
      await client.chat.completions.create(params);
      return;
    }
    const s = await client.chat.completions.create({ ...params, stream: true });
    for await (const _chunk of s) {
      // Read to the end.
    }
  };
  const n = stream ? 300 : 5000;
  for (let i = 0; i < n / 2; i++) await one();
  await flush();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < n; i++) await one();
  await flush();
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string' },
      stream: { type: 'boolean', default: false },
      'prompt-kb': { type: 'string' },
      child: { type: 'string' },
    },
  });
  const stream = values.stream === true;
  if (values.child) {
    const usPerCall = await child(values.child, stream, process.env.BENCH_SINK ?? '');
    process.send?.({ usPerCall });
    return;
  }
  const modes = positionals.length > 0 ? positionals : MODES;
  const unknown = modes.filter((m) => !MODES.includes(m));
  if (unknown.length > 0)
    throw new Error(`unknown mode(s) ${unknown.join(', ')}; known: ${MODES.join(', ')}`);
  if (!modes.includes('raw')) modes.unshift('raw');
  const rounds = Number(values.rounds ?? 5);
  const script = fileURLToPath(import.meta.url);
  const sink: ServerProcess = await startServerProcess(
    fileURLToPath(new URL('./servers/otlp-sink.ts', import.meta.url)),
  );
  const results = new Map<string, number[]>(modes.map((m) => [m, []]));
  try {
    for (let r = 0; r < rounds; r++) {
      for (const mode of modes) {
        const usPerCall = await new Promise<number>((resolve, reject) => {
          const proc = fork(script, ['--child', mode, ...(stream ? ['--stream'] : [])], {
            env: { ...process.env, BENCH_SINK: sink.url, BENCH_PROMPT_KB: values['prompt-kb'] ?? '0' },
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          let value = Number.NaN;
          proc.on('message', (msg: { usPerCall: number }) => {
            value = msg.usPerCall;
          });
          proc.on('exit', (code) =>
            Number.isNaN(value) ? reject(new Error(`${mode} exited ${code}`)) : resolve(value),
          );
        }).catch((err: unknown) => {
          console.error(String(err));
          return Number.NaN;
        });
        results.get(mode)!.push(usPerCall);
      }
    }
  } finally {
    await sink.stop();
  }
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  const raw = median(finite(results.get('raw')!));
  const unit = stream ? `µs per stream of ${CHUNKS} chunks` : 'µs per call';
  console.log(`CPU ${unit}, median of ${rounds} rounds (difference to raw${stream ? '; per chunk' : ''}):`);
  for (const [mode, xs] of results) {
    const m = median(finite(xs));
    const diff = m - raw;
    const perChunk = stream ? ` = ${(diff / CHUNKS).toFixed(2)} µs/chunk` : '';
    console.log(
      `  ${mode.padEnd(18)} ${m.toFixed(1).padStart(8)}  ${diff >= 0 ? '+' : ''}${diff.toFixed(1)}${perChunk}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
