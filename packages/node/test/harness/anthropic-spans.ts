import { calcPrice } from '@pydantic/genai-prices';
import { expect } from 'vitest';
import type { ReceivedSpan } from './otlp-receiver.js';

/** An Anthropic `usage` object as the SDK returns it (input excludes the cache parts). */
export type AnthropicUsage = Record<string, number>;

/** Every input token of an Anthropic usage: uncached, cache writes and cache reads. */
export function totalInput(usage: AnthropicUsage): number {
  return (
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0)
  );
}

/** What `@pydantic/genai-prices` charges for it: the figure our spans' cost must equal. */
export function genaiPrice(model: string, usage: AnthropicUsage): number {
  const price = calcPrice(
    {
      input_tokens: totalInput(usage),
      cache_read_tokens: usage.cache_read_input_tokens ?? 0,
      cache_write_tokens: usage.cache_creation_input_tokens ?? 0,
      output_tokens: usage.output_tokens ?? 0,
    },
    model,
    { providerId: 'anthropic' },
  );
  if (!price) throw new Error(`@pydantic/genai-prices has no price for ${model}`);
  return price.total_price;
}

/** Each GenAI span carries the tokens the app saw (cache included) and the price table's cost for them. */
export function expectTokensAndCost(spans: ReceivedSpan[], model: string, usages: AnthropicUsage[]): void {
  expect(spans).toHaveLength(usages.length);
  spans.forEach((span, i) => {
    const usage = usages[i] as AnthropicUsage;
    expect(span.name).toBe(`chat ${model}`);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': totalInput(usage),
      'gen_ai.usage.output_tokens': usage.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': usage.cache_read_input_tokens ?? 0,
      'gen_ai.usage.cache_creation.input_tokens': usage.cache_creation_input_tokens ?? 0,
      'gen_ai.usage.cost.currency': 'USD',
    });
    expect(Number(span.attributes['gen_ai.usage.cost.amount'])).toBeCloseTo(genaiPrice(model, usage), 12);
  });
}
