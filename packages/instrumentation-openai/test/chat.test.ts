import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttributes } from '../src/index.js';
import { endedSpanWarnings, histogram, pointWith, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => {
  bed.reset();
  bed.instrumentation.setConfig({});
});
afterAll(() => bed?.close());

describe('chat.completions.create (JSON)', () => {
  it('records one CLIENT span with request, response and usage attributes', async () => {
    const result = await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      seed: 42,
      stop: 'END',
    });
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(2);
    const port = Number(new URL(bed.fakeUrl).port);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.seed': 42,
      'gen_ai.request.stop_sequences': ['END'],
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.id': result.id,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': [result.choices[0].finish_reason],
      'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': result.usage.completion_tokens,
    });
    expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.status.code).toBe(0);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('records duration and token usage metrics with the response model', async () => {
    const before = await bed.points('gen_ai.client.operation.duration');
    const result = await bed.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'metrics please' }],
    });
    const attrs = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'server.address': '127.0.0.1',
    };
    expect(before.filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-4o')).toHaveLength(0);
    const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), attrs);
    expect(histogram(duration).count).toBe(1);
    expect(duration.attributes['error.type']).toBeUndefined();
    const usage = await bed.points('gen_ai.client.token.usage');
    expect(histogram(pointWith(usage, { ...attrs, 'gen_ai.token.type': 'input' })).sum).toBe(
      result.usage.prompt_tokens,
    );
    expect(histogram(pointWith(usage, { ...attrs, 'gen_ai.token.type': 'output' })).sum).toBe(
      result.usage.completion_tokens,
    );
    const tokens = await bed.points('aiotel.gen_ai.client.tokens');
    expect(pointWith(tokens, { ...attrs, 'gen_ai.token.type': 'input' }).value).toBe(
      result.usage.prompt_tokens,
    );
  });
});

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] };

describe('what goes through chat.completions.create', () => {
  it('records choice count, output type and max_completion_tokens', async () => {
    await bed.client.chat.completions.create({
      ...hello,
      n: 2,
      response_format: { type: 'json_object' },
      max_completion_tokens: 30,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
    });
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes).toMatchObject({
      'gen_ai.request.choice.count': 2,
      'gen_ai.output.type': 'json',
      'gen_ai.request.max_tokens': 30,
      'gen_ai.request.frequency_penalty': 0.5,
      'gen_ai.request.presence_penalty': -0.5,
    });
    expect(span?.attributes['gen_ai.response.finish_reasons']).toHaveLength(2);
  });

  it('copes with withResponse: same data, raw response, one span with usage', async () => {
    const { data, response, request_id } = await bed.client.chat.completions.create(hello).withResponse();
    expect(response.status).toBe(200);
    expect(typeof request_id).toBe('string');
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.response.id']).toBe(data.id);
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(data.usage.prompt_tokens);
  });

  it('does not consume the response returned by asResponse, and still ends the span', async () => {
    const response = await bed.client.chat.completions.create(hello).asResponse();
    const body = await response.json();
    expect(body.object).toBe('chat.completion');
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status.code).toBe(0);
    expect(spans[0]?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('traces chat.completions.parse through the one create span', async () => {
    expect(typeof bed.client.chat.completions.parse).toBe('function');
    const completion = await bed.client.chat.completions.parse({
      ...hello,
      response_format: { type: 'json_object' },
    });
    expect(completion.choices[0].message).toHaveProperty('parsed');
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['gen_ai.usage.output_tokens']).toBe(completion.usage.completion_tokens);
  });

  it('traces the chat.completions.stream() helper once, with usage', async () => {
    const runner = bed.client.chat.completions.stream(hello);
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.content).toBeTypeOf('string');
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['gen_ai.request.stream']).toBe(true);
    expect(spans[0]?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('ends the span with the error when chat.completions.parse fails', async () => {
    expect(typeof bed.client.chat.completions.parse).toBe('function');
    await expect(
      bed.client.chat.completions.parse(hello, { headers: { 'x-fake-fault': 'status=429' } }),
    ).rejects.toThrow();
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['error.type']).toBe('429');
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('returns the same result object the SDK made, unchanged', async () => {
    bed.instrumentation.disable();
    const plain = await bed.client.chat.completions.create({ ...hello, seed: 7 });
    bed.instrumentation.enable();
    const observed = await bed.client.chat.completions.create({ ...hello, seed: 7 });
    const { id: _a, created: _b, usage: _c, ...plainRest } = plain;
    const { id: _d, created: _e, usage: _f, ...observedRest } = observed;
    expect(observedRest).toEqual(plainRest);
    expect(observed._request_id).toBeTypeOf('string');
  });

  it('runs the HTTP request inside the GenAI span context', async () => {
    let active: string | undefined;
    const client = new bed.OpenAI({
      baseURL: bed.fakeUrl,
      apiKey: 'k',
      maxRetries: 0,
      fetch: (url: string, init: RequestInit) => {
        active = trace.getSpan(context.active())?.spanContext().spanId;
        return fetch(url, init);
      },
    });
    await client.chat.completions.create(hello);
    const [span] = await bed.waitForSpans(1);
    expect(active).toBe(span?.spanContext().spanId);
  });
});

describe('cost attribution with withAttributes', () => {
  it('puts business attributes on the span, and only allowed keys (cut to 64 chars) on metrics', async () => {
    bed.instrumentation.setConfig({ metricAttributes: ['app.feature', 'app.tenant'] });
    const tenant = 't'.repeat(100);
    await withAttributes({ 'app.feature': 'search', 'app.user': 'u-123' }, () =>
      withAttributes({ 'app.tenant': tenant }, () =>
        bed.client.chat.completions.create({ ...hello, model: 'gpt-4.1' }),
      ),
    );
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes).toMatchObject({
      'app.feature': 'search',
      'app.user': 'u-123',
      'app.tenant': tenant,
    });
    const point = pointWith(await bed.points('gen_ai.client.operation.duration'), {
      'gen_ai.request.model': 'gpt-4.1',
    });
    expect(point.attributes['app.feature']).toBe('search');
    expect(point.attributes['app.tenant']).toBe('t'.repeat(64));
    expect(point.attributes).not.toHaveProperty('app.user');
    const cost = pointWith(await bed.points('aiotel.gen_ai.client.cost'), {
      'gen_ai.request.model': 'gpt-4.1',
    });
    expect(cost.attributes['app.feature']).toBe('search');
  });

  it('keeps the business attributes of one call off the metrics of the next call like it', async () => {
    bed.instrumentation.setConfig({ metricAttributes: ['app.feature'] });
    // A model no other test here uses: metric points add up over the whole file.
    const model = 'gpt-4.1-mini';
    await bed.client.chat.completions.create({ ...hello, model });
    await withAttributes({ 'app.feature': 'search' }, () =>
      bed.client.chat.completions.create({ ...hello, model }),
    );
    await bed.client.chat.completions.create({ ...hello, model });
    await bed.waitForSpans(3);
    const points = (await bed.points('gen_ai.client.operation.duration')).filter(
      (p) => p.attributes['gen_ai.request.model'] === model,
    );
    const counts = points.map((p) => [p.attributes['app.feature'], histogram(p).count]);
    expect(counts).toEqual(
      expect.arrayContaining([
        [undefined, 2],
        ['search', 1],
      ]),
    );
    expect(points).toHaveLength(2);
  });

  it('keeps business attributes off metrics unless allowed', async () => {
    await withAttributes({ 'app.feature': 'chat' }, () =>
      bed.client.chat.completions.create({ ...hello, model: 'gpt-4.1-nano' }),
    );
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['app.feature']).toBe('chat');
    const point = pointWith(await bed.points('gen_ai.client.operation.duration'), {
      'gen_ai.request.model': 'gpt-4.1-nano',
    });
    expect(point.attributes).not.toHaveProperty('app.feature');
  });

  it('does not let business attributes overwrite GenAI attributes', async () => {
    await withAttributes({ 'gen_ai.request.model': 'spoofed' }, () =>
      bed.client.chat.completions.create(hello),
    );
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
  });
});

describe('message content', () => {
  const conversation = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Name a colour' },
    ],
  };

  it('is not recorded by default', async () => {
    await bed.client.chat.completions.create(conversation);
    const [span] = await bed.waitForSpans(1);
    expect(JSON.stringify(span?.attributes)).not.toContain('Name a colour');
  });

  it('is recorded as the conventions JSON when captureMessageContent is on', async () => {
    bed.instrumentation.setConfig({ captureMessageContent: true });
    const result = await bed.client.chat.completions.create(conversation);
    const [span] = await bed.waitForSpans(1);
    expect(JSON.parse(span?.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Name a colour' }] },
    ]);
    expect(JSON.parse(span?.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: result.choices[0].message.content }],
        finish_reason: result.choices[0].finish_reason,
      },
    ]);
  });

  it('gathers streamed content into the output messages', async () => {
    bed.instrumentation.setConfig({ captureMessageContent: true });
    const stream = await bed.client.chat.completions.create({ ...conversation, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    const [span] = await bed.waitForSpans(1);
    const [output] = JSON.parse(span?.attributes['gen_ai.output.messages'] as string);
    expect(output.parts).toEqual([{ type: 'text', content: text }]);
    expect(output.finish_reason).toBe('stop');
  });

  it('cuts content longer than contentMaxLength with a marker', async () => {
    bed.instrumentation.setConfig({ captureMessageContent: true, contentMaxLength: 40 });
    await bed.client.chat.completions.create(conversation);
    const [span] = await bed.waitForSpans(1);
    const input = span?.attributes['gen_ai.input.messages'] as string;
    expect(input).toHaveLength(40 + '…[truncated]'.length);
    expect(input.endsWith('…[truncated]')).toBe(true);
  });
});

describe('gen_ai.provider.name', () => {
  it('follows the model family on a relay (unknown host)', async () => {
    await bed.client.chat.completions.create({ ...hello, model: 'claude-sonnet-4-5' });
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(span?.name).toBe('chat claude-sonnet-4-5');
  });

  it('is overridden by the providerName option', async () => {
    bed.instrumentation.setConfig({ providerName: 'azure.ai.openai' });
    await bed.client.chat.completions.create(hello);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.provider.name']).toBe('azure.ai.openai');
  });
});
