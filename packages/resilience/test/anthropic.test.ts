import Anthropic from '@anthropic-ai/sdk';
import Anthropic0 from 'anthropic0';
import { describe, expect, it } from 'vitest';
import { resilient, StreamTruncatedError } from '../src/index.js';
import { FAST_RETRY, fault, rejection, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

const ASK = {
  model: 'claude-haiku-4-5',
  max_tokens: 50,
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

// The SDK's own span (a global tracer provider is set here) would be the active one; off, as @aiotel/node sets it.
function anthropic(options = {}): Anthropic {
  return resilient(new Anthropic({ baseURL: ctx.fake.anthropicUrl, apiKey: 'test', openTelemetry: false }), {
    retry: FAST_RETRY,
    ...options,
  });
}

/** Fail the first request of a scenario only. */
function once(value: string, scenario: string, extra: Record<string, string> = {}) {
  return fault(value, { 'x-fake-scenario': scenario, 'x-fake-fault-times': '1', ...extra });
}

const messagesRequests = () => ctx.fake.stats().requests.filter((r) => r.path === '/v1/messages');

async function events(stream: AsyncIterable<{ type: string }>): Promise<{ types: string[]; error: unknown }> {
  const types: string[] = [];
  try {
    for await (const event of stream) types.push(event.type);
  } catch (error) {
    return { types, error };
  }
  return { types, error: undefined };
}

describe('resilient() with an Anthropic client', () => {
  it('takes an @anthropic-ai/sdk 1.x or 0.x client and retries its calls in our loop', async () => {
    const clients = {
      '1.x': resilient(new Anthropic({ baseURL: ctx.fake.anthropicUrl, apiKey: 'test' }), {
        retry: FAST_RETRY,
      }),
      '0.x': resilient(new Anthropic0({ baseURL: ctx.fake.anthropicUrl, apiKey: 'test' }), {
        retry: FAST_RETRY,
      }),
    };
    const one = await clients['1.x'].messages.create(ASK, once('529', 'json-1'));
    const zero = await clients['0.x'].messages.create(ASK, once('529', 'json-0'));
    expect([one.stop_reason, zero.stop_reason]).toEqual(['end_turn', 'end_turn']);
    // Each: a 529, then one retry, numbered by our loop.
    expect(messagesRequests().map((r) => r.retryCount)).toEqual([0, 1, 0, 1]);
  });

  it('529 overloaded_error is retried and the retry is an event on the active span', async () => {
    const { result, span } = await otel.inSpan(() =>
      anthropic().messages.create(ASK, once('529', 'overloaded')),
    );
    expect(result?.type).toBe('message');
    expect(span.events.find((e) => e.name === 'aiotel.retry')?.attributes?.['aiotel.retry.reason']).toBe(
      '529',
    );
  });

  it('gives the SDK its own OverloadedError when the retries run out', async () => {
    const client = anthropic({ retry: { ...FAST_RETRY, maxRetries: 1 } });
    const error = await rejection(client.messages.create(ASK, fault('529')));
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({ status: 529, type: 'overloaded_error' });
    expect(messagesRequests()).toHaveLength(2);
  });

  it('an overloaded_error event before any content is retried: the caller sees one clean stream', async () => {
    // Frames: message_start, content_block_start, ping, then the error instead of the first delta.
    const { result, span } = await otel.inSpan(async () =>
      events(
        await anthropic().messages.create(
          { ...ASK, stream: true },
          once('sse-error-after=3', 'early-overload', { 'x-fake-tokens': '3' }),
        ),
      ),
    );
    expect(result?.error).toBeUndefined();
    expect(result?.types.filter((t) => t === 'message_start')).toHaveLength(1);
    expect(result?.types.at(-1)).toBe('message_stop');
    expect(messagesRequests()).toHaveLength(2);
    expect(span.events.find((e) => e.name === 'aiotel.retry')?.attributes?.['aiotel.retry.reason']).toBe(
      'overloaded_error',
    );
  });

  it('an early overload that lasts gives the caller the SDK error of the stream, as without resilient()', async () => {
    const client = anthropic({ retry: { ...FAST_RETRY, maxRetries: 1 } });
    const result = await events(
      await client.messages.create({ ...ASK, stream: true }, fault('sse-error-after=3')),
    );
    expect(result.types).toEqual(['message_start', 'content_block_start']);
    expect(result.error).toBeInstanceOf(Anthropic.APIError);
    expect(result.error).toMatchObject({ type: 'overloaded_error' });
    expect(messagesRequests()).toHaveLength(2);
  });

  it('an overloaded_error event after content reached the caller is not retried', async () => {
    const result = await events(
      await anthropic().messages.create(
        { ...ASK, stream: true },
        fault('sse-error-after=5', { 'x-fake-tokens': '4' }),
      ),
    );
    expect(result.types.filter((t) => t === 'content_block_delta')).toHaveLength(2);
    expect(result.error).toMatchObject({ type: 'overloaded_error' });
    expect(messagesRequests()).toHaveLength(1);
  });

  it('a stream that ends without message_stop is truncated', async () => {
    const body = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n',
    ].join('');
    const fetch = async () =>
      new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    const client = resilient(new Anthropic({ baseURL: 'http://127.0.0.1:9', apiKey: 'test', fetch }), {
      retry: FAST_RETRY,
    });
    const result = await events(await client.messages.create({ ...ASK, stream: true }));
    expect(result.types).toContain('content_block_delta');
    expect(result.error).toBeInstanceOf(StreamTruncatedError);
  });

  it('the messages.stream() helper and beta.messages go through the same loop', async () => {
    const client = anthropic();
    const final = await client.messages.stream(ASK, once('sse-error-after=3', 'helper')).finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    const beta = await client.beta.messages.create(ASK, once('529', 'beta'));
    expect(beta.type).toBe('message');
    expect(messagesRequests()).toHaveLength(4);
  });
});
