import { limitConcurrency } from './limiter.ts';

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

/** The non-streaming request: small, like most production calls, and priced (gpt-4o-mini). */
export const CHAT_PARAMS = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'Say hello in five words.' },
  ],
  max_tokens: 16,
} as const;

/** The streaming request; `chunks` content chunks are asked of the fake server. */
export function streamParams(chunks: number) {
  return {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Tell me a long story.' }],
    max_tokens: chunks,
    stream: true,
  } as const;
}

/** Per-request options asking the fake server for exactly `chunks` tokens (one per chunk). */
export function streamOptions(chunks: number) {
  return { headers: { 'x-fake-tokens': String(chunks) } };
}

function checkCompletion(completion: { choices?: Array<{ message?: { content?: unknown } }> }): void {
  if (typeof completion?.choices?.[0]?.message?.content !== 'string') {
    throw new Error(`unexpected completion shape: ${JSON.stringify(completion).slice(0, 200)}`);
  }
}

/** `calls` sequential non-streaming chat calls. */
export async function runNonStreaming(client: ChatClient, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    checkCompletion(await client.chat.completions.create(CHAT_PARAMS));
  }
}

/** `calls` sequential streaming calls read to the end; returns the number of chunks the loop saw. */
export async function runStreaming(client: ChatClient, calls: number, chunks: number): Promise<number> {
  const params = streamParams(chunks);
  const options = streamOptions(chunks);
  let seen = 0;
  for (let i = 0; i < calls; i++) {
    const stream = await client.chat.completions.create(params, options);
    let content = 0;
    for await (const chunk of stream as AsyncIterable<{ choices: Array<{ delta?: { content?: string } }> }>) {
      seen++;
      if (chunk.choices[0]?.delta?.content) content++;
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
  client: ChatClient,
  calls: number,
  concurrency: number,
  ownLimit: boolean,
): Promise<void> {
  const call = async (): Promise<void> => checkCompletion(await client.chat.completions.create(CHAT_PARAMS));
  const limit = ownLimit ? (task: () => Promise<void>) => task() : limitConcurrency(concurrency);
  await Promise.all(Array.from({ length: calls }, () => limit(call)));
}
