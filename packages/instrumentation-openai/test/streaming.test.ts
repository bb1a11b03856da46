import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  chunkDifferences,
  endedSpanWarnings,
  histogram,
  pointWith,
  startTestBed,
  type TestBed,
} from './harness.js';
import { startReplay } from './replay.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => {
  bed.reset();
  bed.instrumentation.setConfig({});
});
afterAll(() => bed.close());

const params = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Stream me a short answer' }],
  stream: true,
};

async function collect(stream: AsyncIterable<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[] = [];
  for await (const chunk of stream) chunks.push(chunk as Record<string, unknown>);
  return chunks;
}

describe('streamed chat completions', () => {
  it('asks for usage, records it on the span and hides the usage-only chunk', async () => {
    const chunks = await collect(await bed.client.chat.completions.create({ ...params }));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.choices).not.toEqual([]);
      expect(chunk.usage).toBeUndefined();
      expect((chunk.choices as { delta: unknown }[])[0]?.delta).toBeDefined();
    }
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(span?.attributes['gen_ai.response.model']).toBe('gpt-4o-mini-2024-07-18');
    expect(span?.attributes['gen_ai.response.id']).toBe(chunks[0]?.id);
  });

  it('does not change the caller params object when it injects include_usage', async () => {
    const mine = { ...params };
    await collect(await bed.client.chat.completions.create(mine));
    expect(mine).not.toHaveProperty('stream_options');
  });

  it('gives the caller the same chunks as without the instrumentation', async () => {
    bed.instrumentation.disable();
    const plain = await collect(await bed.client.chat.completions.create({ ...params }));
    bed.instrumentation.enable();
    const observed = await collect(await bed.client.chat.completions.create({ ...params }));
    expect(bed.spans()).toHaveLength(1);
    expect(plain.length).toBeGreaterThan(2);
    expect(plain.every((c) => !('usage' in c))).toBe(true);
    expect(chunkDifferences(observed, plain)).toEqual([]);
  });

  it('keeps the usage chunk when the caller asked for it, unchanged', async () => {
    const own = { ...params, stream_options: { include_usage: true } };
    bed.instrumentation.disable();
    const plain = await collect(await bed.client.chat.completions.create(own));
    bed.instrumentation.enable();
    const observed = await collect(await bed.client.chat.completions.create(own));
    expect(chunkDifferences(observed, plain)).toEqual([]);
    const last = observed.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toBeTruthy();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(
      (last?.usage as { completion_tokens: number } | undefined)?.completion_tokens,
    );
  });

  it('does not ask for usage when injectStreamUsage is false', async () => {
    bed.instrumentation.setConfig({ injectStreamUsage: false });
    const model = 'gpt-4.1-nano';
    const chunks = await collect(await bed.client.chat.completions.create({ ...params, model }));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(await bed.pointsOfModel('gen_ai.client.token.usage', model)).toEqual([]);
    // Unknown usage is not an unpriced call either: it is a call without usage.
    expect(await bed.pointsOfModel('aiotel.gen_ai.client.unpriced_calls', model)).toEqual([]);
    expect(span?.attributes['aiotel.gen_ai.usage.unknown']).toBe(true);
    expect(await bed.pointsOfModel('aiotel.gen_ai.client.usage_unknown_calls', model)).toHaveLength(1);
  });

  it('records time to first chunk and one time per output chunk after the first', async () => {
    const model = 'gpt-4.1-mini';
    const chunks = await collect(await bed.client.chat.completions.create({ ...params, model }));
    const [span] = await bed.waitForSpans(1);
    const ttfc = span?.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof ttfc).toBe('number');
    expect(ttfc).toBeGreaterThan(0);
    const match = { 'gen_ai.request.model': model, 'gen_ai.response.model': 'gpt-4.1-mini-2025-04-14' };
    const first = pointWith(await bed.points('gen_ai.client.operation.time_to_first_chunk'), match);
    expect(histogram(first)).toEqual({ count: 1, sum: ttfc });
    const perChunk = pointWith(await bed.points('gen_ai.client.operation.time_per_output_chunk'), match);
    expect(histogram(perChunk).count).toBe(chunks.length - 1);
  });

  it('records one time per output chunk for every gap of a stream longer than a recording batch', async () => {
    const model = 'gpt-4.1';
    const stream = await bed.client.chat.completions.create(
      { ...params, model },
      { headers: { 'x-fake-tokens': '600' } },
    );
    const chunks = await collect(stream);
    expect(chunks.length).toBeGreaterThan(600);
    const [span] = await bed.waitForSpans(1);
    const perChunk = pointWith(await bed.points('gen_ai.client.operation.time_per_output_chunk'), {
      'gen_ai.request.model': model,
    });
    expect(histogram(perChunk).count).toBe(chunks.length - 1);
    const spanSeconds = (span?.duration[0] ?? 0) + (span?.duration[1] ?? 0) / 1e9;
    expect(histogram(perChunk).sum).toBeLessThanOrEqual(spanSeconds);
  });

  it('ends the span once when the caller breaks out of the loop early', async () => {
    const stream = await bed.client.chat.completions.create({ ...params, model: 'gpt-4o' });
    for await (const _chunk of stream) break;
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(0);
    expect(spans[0]?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(spans[0]?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
      'gen_ai.request.model': 'gpt-4o',
    });
    expect(histogram(duration).count).toBe(1);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('does not prevent usage of tee: both branches see every chunk, one span', async () => {
    const stream = await bed.client.chat.completions.create({ ...params });
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    expect(a.length).toBeGreaterThan(2);
    expect(b).toEqual(a);
    expect(a.every((c) => c.usage === undefined && (c.choices as unknown[]).length > 0)).toBe(true);
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('does not prevent usage of toReadableStream', async () => {
    const stream = await bed.client.chat.completions.create({ ...params });
    const text = await new Response(stream.toReadableStream()).text();
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((c) => !('usage' in c))).toBe(true);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('does not prevent usage of abort: the span ends once as an aborted call', async () => {
    const stream = await bed.client.chat.completions.create(
      { ...params },
      // Paced chunks: openai <= 6 keeps yielding chunks already buffered when the caller aborts.
      { headers: { 'x-fake-tokens': '50', 'x-fake-latency': 'ttft=0; per-token=50' } },
    );
    let seen = 0;
    for await (const _chunk of stream) {
      seen++;
      if (seen === 2) stream.controller.abort();
    }
    expect(seen).toBe(2);
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(2);
    expect(spans[0]?.attributes['error.type']).toBe('APIUserAbortError');
    const exception = spans[0]?.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.type']).toBe('APIUserAbortError');
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('copes with withResponse on a stream', async () => {
    const { data, response } = await bed.client.chat.completions.create({ ...params }).withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const chunks = await collect(data);
    expect(chunks.length).toBeGreaterThan(2);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('does not misbehave with double iteration', async () => {
    const stream = await bed.client.chat.completions.create({ ...params });
    await collect(stream);
    await expect(collect(stream)).rejects.toThrow(/consumed/);
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(0);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('ends with an error when the connection breaks mid-stream', async () => {
    const stream = await bed.client.chat.completions.create(
      { ...params },
      // Spaced chunks, so the cut lands mid-stream rather than racing the first read.
      {
        headers: {
          'x-fake-fault': 'cut-after=3',
          'x-fake-tokens': '20',
          'x-fake-latency': 'ttft=0; per-token=5',
        },
      },
    );
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toThrow();
    expect(seen.length).toBeGreaterThan(0);
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(2);
    expect(spans[0]?.attributes['error.type']).toBe('APIConnectionError');
    expect(spans[0]?.attributes['gen_ai.response.model']).toBe('gpt-4o-mini-2024-07-18');
    const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
      'error.type': 'APIConnectionError',
    });
    expect(histogram(duration).count).toBe(1);
  });

  it('ends with the provider error type when the stream carries an error event', async () => {
    const stream = await bed.client.chat.completions.create(
      { ...params },
      { headers: { 'x-fake-fault': 'sse-error-after=2' } },
    );
    await expect(collect(stream)).rejects.toThrow();
    const [span] = await bed.waitForSpans(1);
    expect(span?.status.code).toBe(2);
    expect(span?.attributes['error.type']).toBe('server_error');
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('ends with SyntaxError when a streamed event is malformed JSON', async () => {
    const stream = await bed.client.chat.completions.create(
      { ...params },
      { headers: { 'x-fake-fault': 'malformed' } },
    );
    await expect(collect(stream)).rejects.toThrow(SyntaxError);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('SyntaxError');
  });

  it('copes with chunks missing a choices array (recorded exchange)', async () => {
    const replay = await startReplay(
      'openai-streaming-chat-completions-copes-with-chunks-missing-a-choices-array',
    );
    try {
      const client = new bed.OpenAI({ baseURL: replay.url, apiKey: API_KEY, maxRetries: 0 });
      const chunks = await collect(await client.chat.completions.create({ ...params }));
      expect(chunks.some((c) => !('choices' in c))).toBe(true);
      const [span] = await bed.waitForSpans(1);
      expect(span?.status.code).toBe(0);
      expect(span?.attributes['gen_ai.response.model']).toBe('gpt-4o-mini-2024-07-18');
      expect(bed.diag.error).toEqual([]);
    } finally {
      await replay.close();
    }
  });
});
