import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, endedSpanWarnings, histogram, pointWith, startTestBed, type TestBed } from './harness.js';
import { serveCanned } from './replay.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => {
  bed.reset();
  bed.instrumentation.setConfig({});
});
afterAll(() => bed.close());

const request = {
  model: 'gpt-4o-mini',
  input: 'Which ocean contains Bouvet Island?',
  instructions: 'Answer in three words.',
  max_output_tokens: 64,
  temperature: 0.3,
};

describe('responses.create', () => {
  it('records a chat span with response id, model, finish reason and usage', async () => {
    const response = await bed.client.responses.create(request);
    expect(typeof response.output_text).toBe('string');
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.response.id': response.id,
      'gen_ai.response.model': response.model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': response.usage.input_tokens,
      'gen_ai.usage.output_tokens': response.usage.output_tokens,
    });
    expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
  });

  it('records streamed events: usage from response.completed, time to first delta', async () => {
    const stream = await bed.client.responses.create({ ...request, stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.completed');
    const deltas = types.filter((t) => t.endsWith('.delta')).length;
    expect(deltas).toBeGreaterThan(1);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    const perChunk = pointWith(await bed.points('gen_ai.client.operation.time_per_output_chunk'), {
      'gen_ai.request.model': 'gpt-4o-mini',
    });
    expect(histogram(perChunk).count).toBe(deltas - 1);
    expect(text.length).toBeGreaterThan(0);
  });

  it('traces the responses.stream() helper once, with usage', async () => {
    const stream = bed.client.responses.stream({ model: 'gpt-4o-mini', input: 'hi' });
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['gen_ai.usage.output_tokens']).toBe(final.usage.output_tokens);
  });

  it('records instructions and input/output as content when enabled', async () => {
    bed.instrumentation.setConfig({ captureMessageContent: true });
    const response = await bed.client.responses.create(request);
    const [span] = await bed.waitForSpans(1);
    expect(JSON.parse(span?.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'Answer in three words.' },
    ]);
    expect(JSON.parse(span?.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: request.input }] },
    ]);
    const [output] = JSON.parse(span?.attributes['gen_ai.output.messages'] as string);
    expect(output.parts).toEqual([{ type: 'text', content: response.output_text }]);
  });

  it('ends the span once on early break out of a streamed response', async () => {
    const stream = await bed.client.responses.create({ ...request, stream: true });
    for await (const _event of stream) break;
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(0);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('marks a stream that ends in response.failed as failed with the provider error code', async () => {
    const response = { id: 'resp_1', object: 'response', model: 'gpt-4o-mini-2024-07-18' };
    const events = [
      { type: 'response.created', response: { ...response, status: 'in_progress' } },
      { type: 'response.output_text.delta', delta: 'Hi', output_index: 0, content_index: 0 },
      {
        type: 'response.failed',
        response: {
          ...response,
          status: 'failed',
          error: { code: 'server_error', message: 'boom' },
          output: [],
          usage: { input_tokens: 5, output_tokens: 1, total_tokens: 6 },
        },
      },
    ];
    const canned = await serveCanned(
      200,
      'text/event-stream',
      events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''),
    );
    try {
      const client = new bed.OpenAI({ baseURL: canned.url, apiKey: API_KEY, maxRetries: 0 });
      const stream = await client.responses.create({ ...request, stream: true });
      const seen: string[] = [];
      for await (const event of stream) seen.push(event.type);
      expect(seen).toEqual(['response.created', 'response.output_text.delta', 'response.failed']);
      const [span] = await bed.waitForSpans(1);
      expect(span?.status.code).toBe(2);
      expect(span?.attributes['error.type']).toBe('server_error');
      expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(5);
      expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['failed']);
    } finally {
      await canned.close();
    }
  });

  it('records the error of a failed Responses call', async () => {
    await expect(
      bed.client.responses.create(request, { headers: { 'x-fake-fault': 'status=500' } }),
    ).rejects.toThrow();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('500');
  });
});

describe('embeddings.create', () => {
  it('records an embeddings span with input tokens, no output tokens', async () => {
    const result = await bed.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two'],
      encoding_format: 'float',
      dimensions: 8,
    });
    expect(result.data).toHaveLength(2);
    const [span] = await bed.waitForSpans(1);
    expect(span?.name).toBe('embeddings text-embedding-3-small');
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.request.encoding_formats': ['float'],
      'gen_ai.embeddings.dimension.count': 8,
      'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
    });
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    const usage = await bed.points('gen_ai.client.token.usage');
    const mine = usage.filter((p) => p.attributes['gen_ai.operation.name'] === 'embeddings');
    expect(mine.map((p) => p.attributes['gen_ai.token.type'])).toEqual(['input']);
  });

  it('keeps the SDK default (base64) working and records no encoding format it was not given', async () => {
    const result = await bed.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
    });
    expect(Array.isArray(result.data[0].embedding)).toBe(true);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.request.encoding_formats']).toBeUndefined();
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  });
});
