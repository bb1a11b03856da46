import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { resilient, StreamInterruptedError, StreamTruncatedError } from '../src/index.js';
import { CHAT, chatRequests, client, FAST_RETRY, fault, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

async function collect(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  } catch (error) {
    return { text, error };
  }
  return { text, error: undefined };
}

/** A client whose transport serves this SSE body (for endings the fake server does not produce). */
function servingSse(body: string, options = {}) {
  const fetch = async () =>
    new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  return resilient(new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'test', fetch }), {
    retry: FAST_RETRY,
    ...options,
  });
}

describe('streams', () => {
  it('a stream cut after its first chunk: one attempt, StreamInterruptedError, no duplicated content', async () => {
    const c = client(ctx.fake);
    const full = await collect(await c.chat.completions.create({ ...CHAT, stream: true }));
    ctx.fake.reset();
    const cut = await collect(
      await c.chat.completions.create({ ...CHAT, stream: true }, fault('cut-after=4')),
    );
    expect(cut.error).toBeInstanceOf(StreamInterruptedError);
    expect(cut.error).toMatchObject({ reason: 'connection_lost' });
    expect((cut.error as Error).cause).toBeInstanceOf(TypeError);
    expect(cut.text.length).toBeGreaterThan(0);
    expect(full.text.startsWith(cut.text)).toBe(true);
    expect(cut.text.length).toBeLessThan(full.text.length);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('a stream that fails before its first chunk is retried', async () => {
    const c = client(ctx.fake);
    const { text, error } = await collect(
      await c.chat.completions.create(
        { ...CHAT, stream: true },
        fault('cut-after=0', { 'x-fake-scenario': 'cut0', 'x-fake-fault-times': '1' }),
      ),
    );
    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('a stalled stream ends by idleMs with StreamInterruptedError', async () => {
    const c = client(ctx.fake, { timeout: { idleMs: 100 } });
    const { text, error } = await collect(
      await c.chat.completions.create({ ...CHAT, stream: true }, fault('stall-after=3')),
    );
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ reason: 'idle_timeout' });
    expect(text.length).toBeGreaterThan(0);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('a stream without its first chunk within firstChunkMs is retried', async () => {
    const c = client(ctx.fake, { timeout: { firstChunkMs: 500 } });
    const { error } = await collect(
      await c.chat.completions.create(
        { ...CHAT, stream: true },
        fault('slow-headers=2000', { 'x-fake-scenario': 'slow-first', 'x-fake-fault-times': '1' }),
      ),
    );
    expect(error).toBeUndefined();
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('an SSE error event reaches the caller as the SDK APIError', async () => {
    const c = client(ctx.fake);
    const { error } = await collect(
      await c.chat.completions.create({ ...CHAT, stream: true }, fault('sse-error-after=3')),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('a chat stream that ends without data: [DONE] is reported as truncated', async () => {
    const c = servingSse(
      'data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n',
    );
    const { text, error, span } = await otel
      .inSpan(() => c.chat.completions.create({ ...CHAT, stream: true }).then(collect))
      .then(({ result, span }) => ({ ...result!, span }));
    expect(text).toBe('Hel');
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(span.events.map((e) => e.name)).toContain('aiotel.stream.truncated');
  });

  it('a chat stream with a finish reason but no data: [DONE] counts as complete', async () => {
    const c = servingSse(
      'data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\ndata: {"id":"1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
    );
    expect(await collect(await c.chat.completions.create({ ...CHAT, stream: true }))).toEqual({
      text: 'Hi',
      error: undefined,
    });
  });

  it('a complete chat stream passes untouched', async () => {
    const c = servingSse(
      'data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\ndata: [DONE]\n\n',
    );
    expect(await collect(await c.chat.completions.create({ ...CHAT, stream: true }))).toEqual({
      text: 'Hi',
      error: undefined,
    });
  });

  it('a Responses stream that ends without response.completed is reported as truncated', async () => {
    const c = servingSse(
      'data: {"type":"response.created","response":{"id":"r","output":[]}}\n\ndata: {"type":"response.output_text.delta","delta":"Hi","output_index":0,"content_index":0,"item_id":"m"}\n\n',
    );
    const stream = await c.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    const types: string[] = [];
    let error: unknown;
    try {
      for await (const event of stream) types.push(event.type);
    } catch (err) {
      error = err;
    }
    expect(types).toEqual(['response.created', 'response.output_text.delta']);
    expect(error).toBeInstanceOf(StreamTruncatedError);
  });

  it('a complete Responses stream from the fake server is not reported as truncated', async () => {
    const c = client(ctx.fake);
    const stream = await c.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
  });
});
