import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttributes } from '../src/index.js';
import { histogram, pointWith, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ metricAttributes: ['app.feature'] });
});
afterAll(() => bed.close());
beforeEach(() => bed.reset());

const MODEL = 'claude-sonnet-4-5';
const ASK = { model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };
const SYSTEM = 'You answer questions about the sea. '.repeat(40);
const CACHED_SYSTEM = [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }];
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function onlySpan(): Promise<ReadableSpan> {
  const spans = await bed.waitForSpans(1);
  expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`]);
  return spans[0] as ReadableSpan;
}

function expectedCost(usage: Record<string, number>): number {
  const read = usage.cache_read_input_tokens ?? 0;
  const write = usage.cache_creation_input_tokens ?? 0;
  const price = calcPrice(
    {
      input_tokens: (usage.input_tokens ?? 0) + read + write,
      cache_read_tokens: read,
      cache_write_tokens: write,
      output_tokens: usage.output_tokens ?? 0,
    },
    MODEL,
    { providerId: 'anthropic' },
  );
  if (!price) throw new Error(`@pydantic/genai-prices has no price for ${MODEL}`);
  return price.total_price;
}

describe('messages.create (JSON)', () => {
  it('records a chat span with the request and response attributes', async () => {
    const message = await bed.client.messages.create(
      { ...ASK, temperature: 0.2, top_p: 0.9, top_k: 5, stop_sequences: ['END'] },
      { headers: { 'x-fake-tokens': '6' } },
    );
    const span = await onlySpan();
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 5,
      'gen_ai.request.stop_sequences': ['END'],
      'server.address': '127.0.0.1',
      'gen_ai.response.id': message.id,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': message.usage.input_tokens,
      'gen_ai.usage.output_tokens': 6,
    });
    expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('counts cache writes and reads in input tokens and prices them as @pydantic/genai-prices does', async () => {
    const first = await bed.client.messages.create({ ...ASK, system: CACHED_SYSTEM });
    const second = await bed.client.messages.create({ ...ASK, system: CACHED_SYSTEM });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    const [written, read] = await bed.waitForSpans(2);
    const total = first.usage.input_tokens + first.usage.cache_creation_input_tokens;
    expect(written?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': total,
      'gen_ai.usage.cache_creation.input_tokens': first.usage.cache_creation_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'local',
    });
    expect(read?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': total,
      'gen_ai.usage.cache_read.input_tokens': second.usage.cache_read_input_tokens,
      'gen_ai.usage.cache_creation.input_tokens': 0,
    });
    expect(written?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(expectedCost(first.usage), 12);
    expect(read?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(expectedCost(second.usage), 12);
    expect(Number(read?.attributes['gen_ai.usage.cost.amount'])).toBeLessThan(
      Number(written?.attributes['gen_ai.usage.cost.amount']),
    );
    const cacheTokens = await bed.points('aiotel.gen_ai.client.tokens');
    expect(pointWith(cacheTokens, { 'gen_ai.token.type': 'cache_read' }).value).toBe(
      second.usage.cache_read_input_tokens,
    );
    expect(pointWith(cacheTokens, { 'gen_ai.token.type': 'cache_creation' }).value).toBe(
      first.usage.cache_creation_input_tokens,
    );
  });

  it('records duration, token usage and cost metrics with bounded attributes', async () => {
    // Metrics are cumulative over the file: compare sums before and after this call.
    const sums = async () => {
      const tokens = await bed.points('gen_ai.client.token.usage');
      const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
        'gen_ai.provider.name': 'anthropic',
        'app.feature': undefined,
      });
      return {
        calls: histogram(duration).count,
        responseModel: duration.attributes['gen_ai.response.model'],
        responseId: duration.attributes['gen_ai.response.id'],
        input: histogram(pointWith(tokens, { 'gen_ai.token.type': 'input', 'app.feature': undefined })).sum,
        output: histogram(pointWith(tokens, { 'gen_ai.token.type': 'output', 'app.feature': undefined })).sum,
        cost: histogram(
          pointWith(await bed.points('aiotel.gen_ai.client.cost'), { 'app.feature': undefined }),
        ).sum,
      };
    };
    await bed.client.messages.create(ASK);
    const before = await sums();
    const message = await bed.client.messages.create(ASK, { headers: { 'x-fake-tokens': '4' } });
    const after = await sums();
    expect(after.calls - before.calls).toBe(1);
    expect(after.responseModel).toBe(MODEL);
    expect(after.responseId).toBeUndefined();
    expect(after.input - before.input).toBe(message.usage.input_tokens);
    expect(after.output - before.output).toBe(4);
    expect(after.cost - before.cost).toBeCloseTo(expectedCost(message.usage), 12);
  });

  it('a tool call ends with finish reason tool_use', async () => {
    await bed.client.messages.create({
      ...ASK,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    });
    expect((await onlySpan()).attributes['gen_ai.response.finish_reasons']).toEqual(['tool_use']);
  });

  it('max_tokens reached ends with finish reason max_tokens', async () => {
    await bed.client.messages.create({ ...ASK, max_tokens: 2 }, { headers: { 'x-fake-tokens': '9' } });
    expect((await onlySpan()).attributes['gen_ai.response.finish_reasons']).toEqual(['max_tokens']);
  });

  it('withAttributes() attributes reach the span, and allowed keys the metrics', async () => {
    await withAttributes({ 'app.feature': 'search', 'app.tenant': 'acme' }, () =>
      bed.client.messages.create(ASK),
    );
    const span = await onlySpan();
    expect(span.attributes).toMatchObject({ 'app.feature': 'search', 'app.tenant': 'acme' });
    const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
      'app.feature': 'search',
    });
    expect(duration.attributes['app.tenant']).toBeUndefined();
  });

  it('beta.messages.create is recorded the same way', async () => {
    await bed.client.beta.messages.create(ASK, { headers: { 'x-fake-tokens': '3' } });
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(span.attributes['gen_ai.provider.name']).toBe('anthropic');
  });
});

describe('streamed messages', () => {
  it('stream: true records usage from message_start and message_delta, time to first chunk and per chunk', async () => {
    const stream = await bed.client.messages.create(
      { ...ASK, system: CACHED_SYSTEM, stream: true },
      { headers: { 'x-fake-tokens': '5' } },
    );
    const events: string[] = [];
    let usage: Record<string, number> = {};
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'message_start') usage = { ...event.message.usage };
      if (event.type === 'message_delta') usage.output_tokens = event.usage.output_tokens;
    }
    expect(events.at(-1)).toBe('message_stop');
    const span = await onlySpan();
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.input_tokens': (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
      'gen_ai.usage.cache_creation.input_tokens': usage.cache_creation_input_tokens,
    });
    expect(usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(expectedCost(usage), 12);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(
      histogram(pointWith(await bed.points('gen_ai.client.operation.time_to_first_chunk'), {})).count,
    ).toBe(1);
    // Five text deltas: four gaps between them.
    expect(
      histogram(pointWith(await bed.points('gen_ai.client.operation.time_per_output_chunk'), {})).count,
    ).toBe(4);
  });

  it('the messages.stream() helper is one span with the final usage', async () => {
    const final = await bed.client.messages.stream(ASK, { headers: { 'x-fake-tokens': '7' } }).finalMessage();
    const span = await onlySpan();
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': final.id,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.input_tokens': final.usage.input_tokens,
    });
  });

  it('a streamed tool call records finish reason tool_use and the tool input tokens', async () => {
    const final = await bed.client.messages
      .stream({ ...ASK, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Oslo?' }] })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const span = await onlySpan();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_use']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(final.usage.output_tokens);
  });

  it('breaking out of the loop ends the span once, with what was read', async () => {
    const stream = await bed.client.messages.create(
      { ...ASK, stream: true },
      { headers: { 'x-fake-tokens': '20' } },
    );
    for await (const event of stream) if (event.type === 'content_block_delta') break;
    const span = await onlySpan();
    expect(span.attributes['gen_ai.response.id']).toMatch(/^msg_/);
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect(bed.diag.warn.filter((m) => /ended Span/i.test(m))).toEqual([]);
  });
});
