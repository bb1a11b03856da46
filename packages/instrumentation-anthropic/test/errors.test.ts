import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed.close());
beforeEach(() => bed.reset());

const ASK = { model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] };

async function failedSpan(): Promise<ReadableSpan> {
  const [span] = await bed.waitForSpans(1);
  if (!span) throw new Error('no span');
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  return span;
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _event of stream);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('failed calls', () => {
  it.each([
    ['529', 'overloaded_error'],
    ['429', 'rate_limit_error'],
    ['500', 'api_error'],
  ])('an HTTP %s is error.type %s-as-status, with the exception recorded', async (status) => {
    await expect(bed.client.messages.create(ASK, { headers: { 'x-fake-fault': status } })).rejects.toThrow();
    const span = await failedSpan();
    expect(span.attributes['error.type']).toBe(status);
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('an error event in the stream is error.type overloaded_error and keeps what the stream said', async () => {
    const stream = await bed.client.messages.create(
      { ...ASK, stream: true },
      { headers: { 'x-fake-fault': 'sse-error-after=4', 'x-fake-tokens': '6' } },
    );
    expect(await drain(stream)).toBeInstanceOf(bed.Anthropic.APIError);
    const span = await failedSpan();
    expect(span.attributes['error.type']).toBe('overloaded_error');
    expect(span.attributes['gen_ai.response.id']).toMatch(/^msg_/);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  });

  it('a stream cut before message_stop fails the span', async () => {
    const stream = await bed.client.messages.create(
      { ...ASK, stream: true },
      { headers: { 'x-fake-fault': 'cut-after=4', 'x-fake-tokens': '6' } },
    );
    expect(await drain(stream)).toBeDefined();
    const span = await failedSpan();
    expect(span.attributes['error.type']).not.toBe('_OTHER');
  });

  it('the API key never reaches the span of a refused call', async () => {
    const wrong = new bed.Anthropic({
      baseURL: bed.client.baseURL,
      apiKey: `${API_KEY}-wrong`,
      maxRetries: 0,
    });
    await expect(wrong.messages.create(ASK)).rejects.toThrow();
    const span = await failedSpan();
    expect(span.attributes['error.type']).toBe('401');
    expect(JSON.stringify([span.attributes, span.events, span.status])).not.toContain(API_KEY);
  });
});
