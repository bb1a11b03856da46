import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { libraryPriceData } from '../scripts/library-price-data.ts';
import { createPricer, type TokenUsage } from '../src/index.js';
import { libraryUsage } from './library-usage.js';

const RELAY = 'https://llm-relay.example.com/v1';
const AT = new Date('2026-11-26T12:00:00Z');

const pricer = createPricer({ pricesFile: false, onWarning: () => {} });

describe('prices from the genai-prices table', () => {
  const usage: TokenUsage = {
    inputTokens: 12_000,
    outputTokens: 800,
    cacheReadTokens: 4_000,
    reasoningTokens: 300,
  };

  it.each([
    // [model, table id, input, cached input, output] USD per million tokens, from the table.
    ['gpt-4o', 'gpt-4o', 2.5, 1.25, 10],
    ['gpt-4o-mini', 'gpt-4o-mini', 0.15, 0.075, 0.6],
    ['gpt-4o-2024-08-06', 'gpt-4o', 2.5, 1.25, 10],
  ])(
    'prices %s with cached input at the cached rate and reasoning once, as output',
    (model, id, inp, cached, out) => {
      const cost = pricer.price(usage, model, { baseUrl: 'https://api.openai.com/v1', at: AT });
      expect(pricer.price(usage, model, { baseUrl: RELAY, at: AT })).toEqual(cost);
      // 8000 uncached + 4000 cached input; 800 output of which 300 reasoning (inside the 800, not added).
      const expected = (8_000 * inp + 4_000 * cached + 800 * out) / 1e6;
      expect(cost?.amountUsd).toBeCloseTo(expected, 15);
      const direct = calcPrice(libraryUsage(usage), model, { providerId: 'openai', timestamp: AT });
      expect(cost?.amountUsd).toBe(direct?.total_price);
      expect(cost).toMatchObject({
        currency: 'USD',
        source: 'local',
        pricedBy: 'table',
        provider: 'openai',
        model: id,
      });
      expect(cost?.breakdown.input).toBeCloseTo((8_000 * inp) / 1e6, 15);
      expect(cost?.breakdown.cachedInput).toBeCloseTo((4_000 * cached) / 1e6, 15);
      expect(cost?.breakdown.output).toBeCloseTo((800 * out) / 1e6, 15);
      expect(cost?.breakdown.cacheWrite).toBe(0);
    },
  );

  it('prices a Claude model through an OpenAI-compatible relay by its model family, cache writes included', () => {
    const claude: TokenUsage = {
      inputTokens: 10_000,
      outputTokens: 1_000,
      cacheReadTokens: 6_000,
      cacheWriteTokens: 2_000,
    };
    const cost = pricer.price(claude, 'claude-sonnet-4-5', { baseUrl: RELAY, at: AT });
    // claude-sonnet-4-5 below 200k prompt tokens: input 3, cache read 0.3, cache write 3.75, output 15.
    const expected = (2_000 * 3 + 6_000 * 0.3 + 2_000 * 3.75 + 1_000 * 15) / 1e6;
    expect(cost?.amountUsd).toBeCloseTo(expected, 15);
    expect(cost?.amountUsd).toBe(
      calcPrice(libraryUsage(claude), 'claude-sonnet-4-5', { providerId: 'anthropic', timestamp: AT })
        ?.total_price,
    );
    expect(cost).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(cost?.breakdown.cacheWrite).toBeCloseTo((2_000 * 3.75) / 1e6, 15);
  });

  it('applies the higher tier of a tiered Claude price to every token of a long prompt', () => {
    const long: TokenUsage = { inputTokens: 250_000, outputTokens: 1_000, cacheReadTokens: 50_000 };
    const cost = pricer.price(long, 'claude-sonnet-4-5', { baseUrl: RELAY, at: AT });
    const expected = (200_000 * 6 + 50_000 * 0.6 + 1_000 * 22.5) / 1e6;
    expect(cost?.amountUsd).toBeCloseTo(expected, 14);
    expect(cost?.amountUsd).toBe(
      calcPrice(libraryUsage(long), 'claude-sonnet-4-5', { providerId: 'anthropic', timestamp: AT })
        ?.total_price,
    );
  });

  it('prices a dated Claude 3.5 Sonnet name through a relay', () => {
    const cost = pricer.price(usage, 'claude-3-5-sonnet-20241022', { baseUrl: RELAY, at: AT });
    expect(cost?.model).toBe('claude-3-5-sonnet');
    expect(cost?.amountUsd).toBeCloseTo((8_000 * 3 + 4_000 * 0.3 + 800 * 15) / 1e6, 15);
  });

  it('prices a Gemini model through a relay by its model family, with cached and reasoning tokens', () => {
    const cost = pricer.price(usage, 'gemini-2.5-flash', { baseUrl: RELAY, at: AT });
    // gemini-2.5-flash: input 0.3, cache read 0.03, output 2.5 (thinking tokens billed as output).
    const expected = (8_000 * 0.3 + 4_000 * 0.03 + 800 * 2.5) / 1e6;
    expect(cost?.amountUsd).toBeCloseTo(expected, 15);
    expect(cost?.amountUsd).toBe(
      calcPrice(libraryUsage(usage), 'gemini-2.5-flash', { providerId: 'google', timestamp: AT })
        ?.total_price,
    );
    expect(cost?.provider).toBe('google');
  });

  it('prices vendor-prefixed relay names (anthropic/claude-…) by the model after the slash', () => {
    const cost = pricer.price(usage, 'anthropic/claude-sonnet-4-5', { baseUrl: RELAY, at: AT });
    expect(cost?.model).toBe('claude-sonnet-4-5');
    expect(cost?.amountUsd).toBe(
      pricer.price(usage, 'claude-sonnet-4-5', { baseUrl: RELAY, at: AT })?.amountUsd,
    );
  });

  it('bills separately priced reasoning tokens at their own rate without counting them twice', () => {
    // sonar-deep-research has output 8 and reasoning 3 per million.
    const cost = pricer.price(
      { inputTokens: 1_000, outputTokens: 2_000, reasoningTokens: 1_500 },
      'sonar-deep-research',
      {
        at: AT,
      },
    );
    expect(cost?.amountUsd).toBeCloseTo((1_000 * 2 + 500 * 8 + 1_500 * 3) / 1e6, 15);
  });

  it('adds the per-request fee of models that charge one', () => {
    // sonar: input 1, output 1 per million, 12 USD per thousand requests.
    const cost = pricer.price({ inputTokens: 1_000, outputTokens: 1_000 }, 'sonar', { at: AT });
    expect(cost?.breakdown.request).toBeCloseTo(0.012, 15);
    expect(cost?.amountUsd).toBeCloseTo(0.002 + 0.012, 15);
  });

  it('uses the price in force at the call time for prices that change by date', () => {
    const before = pricer.price(usage, 'o3', { provider: 'openai', at: new Date('2025-05-01T00:00:00Z') });
    const after = pricer.price(usage, 'o3', { provider: 'openai', at: new Date('2025-07-01T00:00:00Z') });
    expect(before?.amountUsd).toBe(
      calcPrice(libraryUsage(usage), 'o3', {
        providerId: 'openai',
        timestamp: new Date('2025-05-01T00:00:00Z'),
      })?.total_price,
    );
    expect(after?.amountUsd).toBeCloseTo((8_000 * 2 + 4_000 * 0.5 + 800 * 8) / 1e6, 15);
    expect(before?.amountUsd).not.toBe(after?.amountUsd);
  });

  it('uses the current price when the call time given is invalid', () => {
    const now = calcPrice(libraryUsage(usage), 'o3', { providerId: 'openai' })?.total_price;
    expect(pricer.price(usage, 'o3', { provider: 'openai', at: new Date('garbage') })?.amountUsd).toBe(now);
  });

  it('uses the price in force at the call time for off-peak (time of day) prices', () => {
    const peak = new Date('2026-11-26T08:00:00Z');
    const offPeak = new Date('2026-11-26T20:00:00Z');
    for (const at of [peak, offPeak]) {
      expect(pricer.price(usage, 'deepseek-chat', { at })?.amountUsd).toBe(
        calcPrice(libraryUsage(usage), 'deepseek-chat', { providerId: 'deepseek', timestamp: at })
          ?.total_price,
      );
    }
    expect(pricer.price(usage, 'deepseek-chat', { at: peak })?.amountUsd).not.toBe(
      pricer.price(usage, 'deepseek-chat', { at: offPeak })?.amountUsd,
    );
  });
});

describe('equality with calcPrice across the whole table', () => {
  // Every provider of the table, as the library lists them.
  const providerIds = libraryPriceData().providers.map((p) => p.id);
  const usages: TokenUsage[] = [
    { inputTokens: 1_234, outputTokens: 567 },
    {
      inputTokens: 12_345,
      outputTokens: 2_345,
      cacheReadTokens: 5_000,
      cacheWriteTokens: 1_000,
      reasoningTokens: 999,
    },
    { inputTokens: 345_678, outputTokens: 4_321, cacheReadTokens: 100_000, reasoningTokens: 4_000 },
    { inputTokens: 8, outputTokens: 0 },
  ];
  const times = [
    new Date('2026-11-26T02:00:00Z'),
    new Date('2026-11-26T13:00:00Z'),
    new Date('2025-01-15T00:00:00Z'),
  ];

  it('gives the same total as calcPrice for every model of every provider, at several times', () => {
    let compared = 0;
    let priced = 0;
    const mismatches: string[] = [];
    for (const providerId of providerIds) {
      const provider = findProvider({ providerId });
      expect(provider, providerId).toBeDefined();
      for (const model of provider?.models ?? []) {
        for (const at of times) {
          for (const usage of usages) {
            let expected: number | undefined;
            try {
              expected = calcPrice(libraryUsage(usage), model.id, { providerId, timestamp: at })?.total_price;
            } catch {
              expected = undefined;
            }
            const actual = pricer.price(usage, model.id, { provider: providerId, at })?.amountUsd;
            compared++;
            if (expected !== undefined) priced++;
            if (actual !== expected)
              mismatches.push(`${providerId}/${model.id} @${at.toISOString()}: ${actual} != ${expected}`);
          }
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(providerIds.length).toBeGreaterThan(40);
    expect(compared).toBeGreaterThan(20_000);
    // Most comparisons are of priced calls (not two undefineds).
    expect(priced / compared).toBeGreaterThan(0.9);
  });
});
