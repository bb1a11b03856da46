import { limitConcurrency } from './limiter.ts';
import type { WorkloadSizes } from './protocol.ts';

/**
 * The slice of the openai client the workloads use. Typed structurally so that openai 6 and 7, raw or
 * wrapped, all fit.
 */
export interface ChatClient {
  chat: {
    completions: {
      // biome-ignore lint/suspicious/noExplicitAny: openai 6 and 7 differ in their overloads; the workloads check the shape they read.
      create(params: any, options?: any): Promise<any>;
    };
  };
}

/** The slice of the `@anthropic-ai/sdk` client the workloads use (the Messages API). */
export interface MessagesClient {
  messages: {
    // biome-ignore lint/suspicious/noExplicitAny: as for ChatClient, the workloads check the shape they read.
    create(params: any, options?: any): Promise<any>;
  };
}

/** A client of either SDK. */
export type BenchClient = ChatClient | MessagesClient;

/** The non-streaming request: small, like most production calls, and priced (gpt-4o-mini). */
export const CHAT_PARAMS = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'Say hello in five words.' },
  ],
  max_tokens: 16,
} as const;

/**
 * The streaming request; `chunks` content chunks are asked of the fake server. With BENCH_STREAM_USAGE=1 (the `…u`
 * variants, src/variants.ts) the app asks for the stream's usage itself (`stream_options.include_usage`), as an app
 * must to get streamed token counts from the peers: every process of those variants then reads the same bytes,
 * the `usage: null` on every chunk and the usage chunk, and our instrumentation adds nothing to the request.
 */
export function streamParams(chunks: number) {
  return {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Tell me a long story.' }],
    max_tokens: chunks,
    stream: true,
    ...(process.env.BENCH_STREAM_USAGE === '1' ? { stream_options: { include_usage: true } } : {}),
  } as const;
}

/**
 * Per-request options asking the fake server for exactly `chunks` tokens (one per chunk). By default it writes them
 * all at once (the client reads a 500-chunk stream in about three socket reads); BENCH_TOKEN_MS=N spaces the token
 * frames N ms apart, as a real API's arrive (one read per chunk; a run with it is not the default bench run).
 */
export function streamOptions(chunks: number) {
  const pace = process.env.BENCH_TOKEN_MS;
  return {
    headers: {
      'x-fake-tokens': String(chunks),
      ...(pace ? { 'x-fake-latency': `ttft=0; per-token=${pace}` } : {}),
    },
  };
}

/** The same requests through the Messages API: a priced Claude model, the same sizes. */
export const MESSAGES_PARAMS = {
  model: 'claude-haiku-4-5',
  system: 'You are a terse assistant.',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  max_tokens: 16,
} as const;

/** What the workloads send through one SDK, and how they check what comes back. */
interface Api {
  call(): Promise<void>;
  stream(chunks: number): Promise<AsyncIterable<unknown>>;
  /** Whether a streamed chunk carries content (a chat delta with text, a `content_block_delta`). */
  isContent(chunk: unknown): boolean;
}

function checkCompletion(completion: { choices?: Array<{ message?: { content?: unknown } }> }): void {
  if (typeof completion?.choices?.[0]?.message?.content !== 'string') {
    throw new Error(`unexpected completion shape: ${JSON.stringify(completion).slice(0, 200)}`);
  }
}

function checkMessage(message: { content?: Array<{ text?: unknown }> }): void {
  if (typeof message?.content?.[0]?.text !== 'string') {
    throw new Error(`unexpected message shape: ${JSON.stringify(message).slice(0, 200)}`);
  }
}

/** The workloads' requests for `client`'s SDK, picked once per workload. */
function apiOf(client: BenchClient): Api {
  if ('messages' in client) {
    return {
      call: async () => checkMessage(await client.messages.create(MESSAGES_PARAMS)),
      stream: (chunks) =>
        client.messages.create(
          {
            ...MESSAGES_PARAMS,
            max_tokens: chunks,
            messages: [{ role: 'user', content: 'Tell me a long story.' }],
            stream: true,
          },
          streamOptions(chunks),
        ),
      isContent: (event) => (event as { type?: string }).type === 'content_block_delta',
    };
  }
  return {
    call: async () => checkCompletion(await client.chat.completions.create(CHAT_PARAMS)),
    stream: (chunks) => client.chat.completions.create(streamParams(chunks), streamOptions(chunks)),
    isContent: (chunk) =>
      Boolean((chunk as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content),
  };
}

/** The sizes of `pnpm bench`'s workloads when no option changes them (src/bench.ts; src/worker-window.ts). */
export const BENCH_SIZES: WorkloadSizes = {
  calls: 2000,
  warmupCalls: 300,
  streamCalls: 180,
  // 2 until the session of 03:18 UTC (2026-12-05), which moved the full collection forced before each window to
  // before its warm-up (src/worker.ts): 2 streams do not absorb the mark-compacts that follow it; 30 did.
  warmupStreamCalls: 30,
  chunks: 500,
  concurrentCalls: 3000,
  concurrency: 50,
  warmupConcurrentCalls: 200,
};

/** `calls` sequential non-streaming calls. */
export async function runNonStreaming(client: BenchClient, calls: number): Promise<void> {
  const api = apiOf(client);
  for (let i = 0; i < calls; i++) await api.call();
}

/** `calls` sequential streaming calls read to the end; returns the number of chunks the loop saw. */
export async function runStreaming(client: BenchClient, calls: number, chunks: number): Promise<number> {
  const api = apiOf(client);
  let seen = 0;
  for (let i = 0; i < calls; i++) {
    const stream = await api.stream(chunks);
    let content = 0;
    for await (const chunk of stream) {
      seen++;
      if (api.isContent(chunk)) content++;
    }
    // A variant that silently truncates or drops chunks would look cheap: refuse it.
    if (content < chunks) throw new Error(`stream ended after ${content} content chunks, expected ${chunks}`);
  }
  return seen;
}

/**
 * `calls` non-streaming calls started at once, at most `concurrency` in flight: through the harness
 * limiter, or (when `ownLimit`) through the client's own bulkhead of the same size.
 */
export async function runConcurrent(
  client: BenchClient,
  calls: number,
  concurrency: number,
  ownLimit: boolean,
): Promise<void> {
  const api = apiOf(client);
  const limit = ownLimit ? (task: () => Promise<void>) => task() : limitConcurrency(concurrency);
  await Promise.all(Array.from({ length: calls }, () => limit(api.call)));
}
