import { priceCall, usageFromOpenAI } from '@aiotel/cost';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, histogram, pointWith, startTestBed, type TestBed } from './harness.js';
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

// Two messages: the fake reports the first (a prefix it has seen) as cached on the second call.
function conversation(model: string, system: string) {
  return {
    model,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: 'What is the capital of France?' },
    ],
  };
}

describe('cost on spans and metrics', () => {
  const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash', 'o4-mini'];
  for (const model of models) {
    it(`equals @aiotel/cost for ${model} through a relay, cached tokens included`, async () => {
      const params = conversation(model, `You are a helpful geographer (${model}).`);
      const first = await bed.client.chat.completions.create(params);
      const result = await bed.client.chat.completions.create(params);
      const usage = usageFromOpenAI(result.usage);
      expect(usage?.cacheReadTokens).toBeGreaterThan(0);
      if (model.startsWith('o4')) expect(usage?.reasoningTokens).toBeGreaterThan(0);
      const expected = priceCall(usage!, result.model, { baseUrl: bed.fakeUrl });
      expect(expected?.amountUsd).toBeGreaterThan(0);
      const span = (await bed.waitForSpans(2))[1];
      expect(span?.attributes['gen_ai.usage.cost.amount']).toBe(expected?.amountUsd);
      expect(span?.attributes['gen_ai.usage.cost.currency']).toBe('USD');
      expect(span?.attributes['gen_ai.usage.cost.source']).toBe('local');
      expect(span?.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(usage?.cacheReadTokens);
      const cost = pointWith(await bed.points('aiotel.gen_ai.client.cost'), {
        'gen_ai.request.model': model,
      });
      expect(histogram(cost).count).toBe(2);
      const tokens = await bed.points('aiotel.gen_ai.client.tokens');
      expect(
        pointWith(tokens, { 'gen_ai.request.model': model, 'gen_ai.token.type': 'cache_read' }).value,
      ).toBe(usage?.cacheReadTokens);
      if (model.startsWith('o4')) {
        expect(span?.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(usage?.reasoningTokens);
        expect(
          pointWith(tokens, { 'gen_ai.request.model': model, 'gen_ai.token.type': 'reasoning' }).value,
        ).toBe((usage?.reasoningTokens ?? 0) + (usageFromOpenAI(first.usage)?.reasoningTokens ?? Number.NaN));
      }
    });
  }

  it('reports the provider of relayed Claude and Gemini models by family', async () => {
    await bed.client.chat.completions.create(conversation('gemini-2.5-flash', 'g'));
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.provider.name']).toBe('gcp.gemini');
  });

  it('gives an unknown model no cost, counts it unpriced and warns once per model', async () => {
    const model = 'acme-private-llm';
    await bed.client.chat.completions.create(conversation(model, 'a'));
    await bed.client.chat.completions.create(conversation(model, 'b'));
    await bed.client.chat.completions.create(conversation('acme-other-llm', 'c'));
    const spans = await bed.waitForSpans(3);
    for (const span of spans) {
      expect(span.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(span.attributes).not.toHaveProperty('gen_ai.usage.cost.amount');
      expect(span.attributes).not.toHaveProperty('gen_ai.usage.cost.source');
    }
    const unpriced = await bed.points('aiotel.gen_ai.client.unpriced_calls');
    expect(pointWith(unpriced, { 'gen_ai.request.model': model }).value).toBe(2);
    expect(bed.diag.warn.filter((m) => m.includes(`model ${model}`))).toHaveLength(1);
    expect(bed.diag.warn.filter((m) => m.includes('model acme-other-llm'))).toHaveLength(1);
    const cost = await bed.points('aiotel.gen_ai.client.cost');
    expect(cost.filter((p) => p.attributes['gen_ai.request.model'] === model)).toEqual([]);
  });

  it('prices with the prices option', async () => {
    bed.instrumentation.setConfig({
      prices: { 'acme-priced-llm': { input: 1_000_000, output: 2_000_000 } },
    });
    const result = await bed.client.chat.completions.create(conversation('acme-priced-llm', 'd'));
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
      result.usage.prompt_tokens * 1 + result.usage.completion_tokens * 2,
      9,
    );
  });

  it('prices with the new prices after setConfig changes them (the cached prices are not kept)', async () => {
    const amounts: unknown[] = [];
    for (const input of [1_000_000, 3_000_000]) {
      bed.reset();
      bed.instrumentation.setConfig({ prices: { 'acme-repriced-llm': { input, output: 0 } } });
      const result = await bed.client.chat.completions.create(conversation('acme-repriced-llm', 'e'));
      const [span] = await bed.waitForSpans(1);
      amounts.push(span?.attributes['gen_ai.usage.cost.amount']);
      expect(span?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(
        result.usage.prompt_tokens * (input / 1e6),
        9,
      );
    }
    expect(amounts[1]).not.toBe(amounts[0]);
  });

  it('records streamed cost from the injected usage chunk', async () => {
    const stream = await bed.client.chat.completions.create({
      ...conversation('gpt-4o-mini', 'stream cost'),
      stream: true,
    });
    for await (const _chunk of stream);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
  });

  it('uses a cost the provider reported (usage.cost) with source provider', async () => {
    const canned = await serveCanned(
      200,
      'application/json',
      JSON.stringify({
        id: 'gen-1',
        object: 'chat.completion',
        created: 1,
        model: 'openai/gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, cost: 0.00042 },
      }),
    );
    try {
      const client = new bed.OpenAI({ baseURL: canned.url, apiKey: API_KEY, maxRetries: 0 });
      await client.chat.completions.create(conversation('openai/gpt-4o', 'e'));
      const [span] = await bed.waitForSpans(1);
      expect(span?.attributes['gen_ai.usage.cost.amount']).toBe(0.00042);
      expect(span?.attributes['gen_ai.usage.cost.source']).toBe('provider');
    } finally {
      await canned.close();
    }
  });
});
