// The same caller code in front of each dialect @aiotel/fake-llm speaks (OpenAI and the relays' ways of wording a
// stream), with and without the instrumentation: the caller sees the same chunks, and the span has the right
// usage and cost, or says usage is unknown.
import { priceCall, usageFromOpenAI } from '@aiotel/cost';
import { DIALECT_NAMES, type DialectName, fakeCost } from '@aiotel/fake-llm';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chunkDifferences, pointWith, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => {
  bed.reset();
  bed.instrumentation.setConfig({});
  bed.instrumentation.enable();
});
afterAll(() => bed.close());

const MODEL = 'gpt-4o-mini';
// One message: the fake's prompt cache never reports cached tokens for it, so every call costs the same.
const messages = [{ role: 'user', content: 'Stream me a short answer about relays' }];

/** What each dialect's answers say, as the span should report it. */
const EXPECTED: Record<
  DialectName,
  { responseModel: string; finishReason: string; streamCost: 'local' | 'provider' | 'unknown' }
> = {
  openai: { responseModel: 'gpt-4o-mini-2024-07-18', finishReason: 'stop', streamCost: 'local' },
  'relay-empty-delta': {
    responseModel: 'gpt-4o-mini-2024-07-18',
    finishReason: 'stop',
    streamCost: 'provider',
  },
  'relay-usage-on-finish': { responseModel: 'openai/gpt-4o-mini', finishReason: 'stop', streamCost: 'local' },
  'relay-running-usage': { responseModel: MODEL, finishReason: 'end_turn', streamCost: 'local' },
  'relay-no-usage': { responseModel: MODEL, finishReason: 'stop', streamCost: 'unknown' },
};

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** The caller's code: one streamed chat call, every chunk kept. */
async function streamChunks(
  dialect: DialectName,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const stream = await bed.client.chat.completions.create(
    { model: MODEL, messages, stream: true, ...extra },
    { headers: { 'x-fake-dialect': dialect, 'x-fake-tokens': '6', ...headers } },
  );
  const chunks: Record<string, unknown>[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The usage the server counts for that call (its JSON answer carries it in every dialect). */
async function serverUsage(dialect: DialectName): Promise<Usage> {
  const completion = await bed.client.chat.completions.create(
    { model: MODEL, messages },
    { headers: { 'x-fake-dialect': dialect, 'x-fake-tokens': '6' } },
  );
  return completion.usage as Usage;
}

/** The chunks of the same call without the instrumentation, and with it. */
async function plainAndObserved(dialect: DialectName, extra: Record<string, unknown> = {}) {
  bed.instrumentation.disable();
  const plain = await streamChunks(dialect, extra);
  const usage = await serverUsage(dialect);
  bed.instrumentation.enable();
  const observed = await streamChunks(dialect, extra);
  const [span] = await bed.waitForSpans(1);
  return { plain, observed, usage, span: span as ReadableSpan };
}

function expectUsageOnSpan(span: ReadableSpan, dialect: DialectName, usage: Usage): void {
  const attributes = span.attributes;
  const expected = EXPECTED[dialect];
  expect(attributes['gen_ai.response.model']).toBe(expected.responseModel);
  expect(attributes['gen_ai.response.finish_reasons']).toEqual([expected.finishReason]);
  if (expected.streamCost === 'unknown') {
    expect(attributes['aiotel.gen_ai.usage.unknown']).toBe(true);
    expect(attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    return;
  }
  expect(attributes['aiotel.gen_ai.usage.unknown']).toBeUndefined();
  expect(attributes['gen_ai.usage.input_tokens']).toBe(usage.prompt_tokens);
  expect(attributes['gen_ai.usage.output_tokens']).toBe(usage.completion_tokens);
  expect(attributes['gen_ai.usage.cost.source']).toBe(expected.streamCost);
  const amount =
    expected.streamCost === 'provider'
      ? fakeCost(usage.prompt_tokens, usage.completion_tokens)
      : priceCall(usageFromOpenAI(usage), MODEL, { provider: 'openai' })?.amountUsd;
  expect(amount).toBeGreaterThan(0);
  expect(attributes['gen_ai.usage.cost.amount']).toBe(amount);
}

describe.each(DIALECT_NAMES)('in front of the %s dialect', (dialect) => {
  it('the caller sees the same chunks with and without the instrumentation; the span has the usage and cost, or says it is unknown', async () => {
    const { plain, observed, usage, span } = await plainAndObserved(dialect);
    expect(plain.length).toBe(8); // role, 6 tokens, finish
    expect(plain.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(observed).toHaveLength(plain.length);
    expect(chunkDifferences(observed, plain)).toEqual([]);
    expectUsageOnSpan(span, dialect, usage);
  });

  it('when the caller asked for usage, it sees every chunk the server sent, unchanged', async () => {
    const asked = { stream_options: { include_usage: true } };
    const { plain, observed, usage, span } = await plainAndObserved(dialect, asked);
    expect(observed).toHaveLength(plain.length);
    expect(chunkDifferences(observed, plain)).toEqual([]);
    expect(plain.some((chunk) => chunk.usage != null)).toBe(dialect !== 'relay-no-usage');
    expectUsageOnSpan(span, dialect, usage);
  });

  it('a mid-stream error line reaches the caller after the same chunks, and fails the span', async () => {
    const failing = async () => {
      const seen: Record<string, unknown>[] = [];
      try {
        const stream = await bed.client.chat.completions.create(
          { model: MODEL, messages, stream: true },
          { headers: { 'x-fake-dialect': dialect, 'x-fake-fault': 'sse-error-after=3' } },
        );
        for await (const chunk of stream) seen.push(chunk);
      } catch (error) {
        return { seen, error: (error as Error).constructor.name };
      }
      throw new Error('the stream did not fail');
    };
    bed.instrumentation.disable();
    const plain = await failing();
    bed.instrumentation.enable();
    const observed = await failing();
    expect(observed.error).toBe(plain.error);
    expect(observed.seen).toHaveLength(3);
    expect(chunkDifferences(observed.seen, plain.seen)).toEqual([]);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('server_error');
    expect(span?.attributes['aiotel.gen_ai.usage.unknown']).toBeUndefined();
  });
});

describe('usage unknown', () => {
  it('counts a streamed call without usage in aiotel.gen_ai.client.usage_unknown_calls, records no tokens or cost', async () => {
    const model = 'gpt-4.1-nano';
    for (let i = 0; i < 2; i++) {
      const stream = await bed.client.chat.completions.create(
        { model, messages, stream: true },
        { headers: { 'x-fake-dialect': 'relay-no-usage' } },
      );
      for await (const _ of stream);
    }
    await bed.waitForSpans(2);
    const unknown = pointWith(await bed.points('aiotel.gen_ai.client.usage_unknown_calls'), {
      'gen_ai.request.model': model,
    });
    expect(unknown.value).toBe(2);
    expect(unknown.attributes['gen_ai.response.model']).toBe(model);
    expect(await bed.pointsOfModel('gen_ai.client.token.usage', model)).toEqual([]);
    expect(await bed.pointsOfModel('aiotel.gen_ai.client.cost', model)).toEqual([]);
  });

  it('does not count calls whose usage is known, nor failed calls', async () => {
    const model = 'gpt-4.1-mini';
    await streamChunks('openai', { model });
    await expect(
      bed.client.chat.completions.create({ model, messages }, { headers: { 'x-fake-fault': 'status=500' } }),
    ).rejects.toThrow();
    await bed.waitForSpans(2);
    expect(await bed.pointsOfModel('aiotel.gen_ai.client.usage_unknown_calls', model)).toEqual([]);
  });
});

describe('cost a relay reports on a non-streamed call', () => {
  const json = async (dialect: DialectName) => {
    const completion = await bed.client.chat.completions.create(
      { model: MODEL, messages },
      { headers: { 'x-fake-dialect': dialect } },
    );
    const [span] = await bed.waitForSpans(1);
    const usage = completion.usage as Usage;
    return {
      span: span as ReadableSpan,
      usage,
      reported: fakeCost(usage.prompt_tokens, usage.completion_tokens),
    };
  };

  it('takes usage.cost (source provider)', async () => {
    const { span, reported } = await json('relay-empty-delta');
    expect(span.attributes['gen_ai.usage.cost.amount']).toBe(reported);
    expect(span.attributes['gen_ai.usage.cost.source']).toBe('provider');
  });

  it('takes the x-litellm-response-cost header (source provider)', async () => {
    const { span, reported, usage } = await json('relay-usage-on-finish');
    expect(span.attributes['gen_ai.usage.cost.amount']).toBe(reported);
    expect(span.attributes['gen_ai.usage.cost.amount']).not.toBe(
      priceCall(usageFromOpenAI(usage), MODEL, { provider: 'openai' })?.amountUsd,
    );
    expect(span.attributes['gen_ai.usage.cost.source']).toBe('provider');
  });

  it('prices the call from the table when the relay reports nothing (source local)', async () => {
    const { span, usage } = await json('relay-no-usage');
    expect(span.attributes['gen_ai.usage.cost.amount']).toBe(
      priceCall(usageFromOpenAI(usage), MODEL, { provider: 'openai' })?.amountUsd,
    );
    expect(span.attributes['gen_ai.usage.cost.source']).toBe('local');
  });
});
