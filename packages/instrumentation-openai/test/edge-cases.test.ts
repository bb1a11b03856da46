// The SDK features that wrap a call (withResponse, asResponse, tee, toReadableStream, abort, early
// break) on the Responses API and embeddings; chat completions has its own in chat/streaming tests.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endedSpanWarnings, histogram, pointWith, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const request = { model: 'gpt-4o-mini', input: 'Which ocean contains Bouvet Island?' };
const embedding = { model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' as const };

async function collect(stream: AsyncIterable<unknown>): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  for await (const event of stream) events.push(event as Record<string, unknown>);
  return events;
}

/** The only span, after checking it ended exactly once. */
async function onlySpan() {
  const spans = await bed.waitForSpans(1);
  expect(spans).toHaveLength(1);
  expect(endedSpanWarnings(bed.diag)).toEqual([]);
  return spans[0]!;
}

describe('responses.create', () => {
  it('copes with withResponse: same data, raw response, one span with usage', async () => {
    const { data, response } = await bed.client.responses.create(request).withResponse();
    expect(response.status).toBe(200);
    const span = await onlySpan();
    expect(span.attributes['gen_ai.response.id']).toBe(data.id);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(data.usage.output_tokens);
  });

  it('does not consume the response returned by asResponse, and still ends the span', async () => {
    const response = await bed.client.responses.create(request).asResponse();
    expect(((await response.json()) as { object: string }).object).toBe('response');
    const span = await onlySpan();
    expect(span.status.code).toBe(0);
  });

  it('copes with withResponse on a stream', async () => {
    const { data, response } = await bed.client.responses.create({ ...request, stream: true }).withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await collect(data);
    expect(events.at(-1)?.type).toBe('response.completed');
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('does not prevent usage of tee: both branches see every event, one span', async () => {
    const stream = await bed.client.responses.create({ ...request, stream: true });
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    expect(a.length).toBeGreaterThan(5);
    expect(b).toEqual(a);
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('does not prevent usage of toReadableStream', async () => {
    const stream = await bed.client.responses.create({ ...request, stream: true });
    const text = await new Response(stream.toReadableStream()).text();
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.at(-1)?.type).toBe('response.completed');
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('does not prevent usage of abort: the span ends once as an aborted call', async () => {
    const stream = await bed.client.responses.create(
      { ...request, stream: true },
      { headers: { 'x-fake-tokens': '50', 'x-fake-latency': 'ttft=0; per-token=50' } },
    );
    // Abort at the first text delta: the lifecycle events before it arrive together, and openai <= 6
    // still yields events already buffered; later deltas are paced, so none may follow the abort.
    let seen = 0;
    let seenAtAbort = -1;
    for await (const event of stream) {
      seen++;
      if (seenAtAbort < 0 && (event as { type: string }).type === 'response.output_text.delta') {
        seenAtAbort = seen;
        stream.controller.abort();
      }
    }
    expect(seenAtAbort).toBeGreaterThan(0);
    expect(seen).toBe(seenAtAbort);
    const span = await onlySpan();
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toBe('APIUserAbortError');
  });

  it('gives the caller the same events as without the instrumentation', async () => {
    const comparable = (events: Record<string, unknown>[]) =>
      JSON.stringify(events).replace(/"(resp|msg)_\w+"|"created_at":\d+/g, '');
    bed.instrumentation.disable();
    const plain = await collect(await bed.client.responses.create({ ...request, stream: true }));
    bed.instrumentation.enable();
    const observed = await collect(await bed.client.responses.create({ ...request, stream: true }));
    expect(plain.length).toBeGreaterThan(5);
    expect(comparable(observed)).toBe(comparable(plain));
    await onlySpan();
  });
});

describe('embeddings.create', () => {
  it('copes with withResponse: same data, raw response, one span with usage', async () => {
    const { data, response } = await bed.client.embeddings.create(embedding).withResponse();
    expect(response.status).toBe(200);
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(data.usage.prompt_tokens);
  });

  it('does not consume the response returned by asResponse, and still ends the span', async () => {
    const response = await bed.client.embeddings
      .create({ ...embedding, model: 'text-embedding-ada-002' })
      .asResponse();
    expect(((await response.json()) as { object: string }).object).toBe('list');
    const span = await onlySpan();
    expect(span.status.code).toBe(0);
    const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
      'gen_ai.request.model': 'text-embedding-ada-002',
    });
    expect(histogram(duration).count).toBe(1);
  });

  it('records APIUserAbortError when the caller aborts the request', async () => {
    const controller = new AbortController();
    const pending = bed.client.embeddings.create(embedding, {
      signal: controller.signal,
      headers: { 'x-fake-fault': 'hang' },
    });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toThrow();
    const span = await onlySpan();
    expect(span.attributes['error.type']).toBe('APIUserAbortError');
  });
});
