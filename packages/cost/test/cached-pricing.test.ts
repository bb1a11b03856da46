import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPricer,
  type PriceCallOptions,
  type PricerOptions,
  priceCall,
  type TokenUsage,
  useAsDefaultPricer,
} from '../src/index.js';
import { libraryUsage } from './library-usage.js';

const RELAY = 'https://llm-relay.example.com/v1';
const quiet = { pricesFile: false as const, onWarning: () => {} };

afterEach(() => {
  vi.unstubAllEnvs();
  useAsDefaultPricer(undefined);
});

/** A usage with every field, as `usageFromOpenAI` returns it. */
function usage(input: number, output: number, read?: number, write?: number, reasoning?: number): TokenUsage {
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: read,
    cacheWriteTokens: write,
    reasoningTokens: reasoning,
  };
}

const USAGES: readonly TokenUsage[] = [
  usage(20, 6, 0, undefined, 0),
  usage(12_000, 800, 4_000, undefined, 300),
  usage(10_000, 1_000, 6_000, 2_000),
  // Above the 200k-token tier of the Claude and Gemini prices.
  usage(250_000, 1_000, 50_000, 10_000),
  usage(1_000, 2_000, undefined, undefined, 1_500),
  usage(5_000, 0),
  // Inconsistent (cache read above the input total): no cost, cached or not.
  usage(100, 10, 500),
];

const PEAK = new Date('2026-11-26T08:00:00Z');
const OFF_PEAK = new Date('2026-11-26T20:00:00Z');

/** (model, options) pairs covering every lookup route: provider given, semconv name, inferred from host or family. */
const CALLS: readonly (readonly [string, PriceCallOptions])[] = [
  ['gpt-4o-2024-08-06', { provider: 'openai' }],
  ['gpt-4o', { provider: 'azure' }],
  ['gpt-4o-mini', { baseUrl: 'https://api.openai.com/v1' }],
  ['o4-mini', { baseUrl: RELAY }],
  ['o3', { provider: 'openai', at: new Date('2025-05-01T00:00:00Z') }],
  ['o3', { provider: 'openai', at: new Date('2025-07-01T00:00:00Z') }],
  ['claude-sonnet-4-5', { baseUrl: RELAY }],
  ['anthropic/claude-sonnet-4-5', { baseUrl: RELAY }],
  ['claude-3-5-sonnet-20241022', { provider: 'anthropic' }],
  ['gemini-2.5-pro', { provider: 'gcp.gemini' }],
  ['gemini-2.5-flash', { baseUrl: RELAY }],
  ['deepseek-chat', { provider: 'deepseek', at: PEAK }],
  ['deepseek-chat', { provider: 'deepseek', at: OFF_PEAK }],
  ['sonar', {}],
  ['sonar-deep-research', {}],
  ['anthropic/claude-sonnet-4.5', { baseUrl: 'https://openrouter.ai/api/v1' }],
  ['acme-llm-v2', { baseUrl: RELAY }],
  ['no-such-model', { baseUrl: RELAY }],
  ['llama-3.3-70b-instruct', { baseUrl: RELAY }],
];

const CONFIGS: readonly (readonly [string, PricerOptions])[] = [
  ['table only', { ...quiet }],
  ['markup 1.1', { ...quiet, markup: 1.1 }],
  [
    'overrides and markup 0.9',
    {
      ...quiet,
      markup: 0.9,
      overrides: {
        'acme-llm': { input: 0.5, output: 1.5, cachedInput: 0.05 },
        'gpt-4o': { input: 2, output: 8 },
      },
    },
  ],
];

describe('cached pricing', () => {
  for (const [name, options] of CONFIGS) {
    it(`gives exactly what an uncached lookup gives, call after call (${name})`, () => {
      const warm = createPricer(options);
      const cold = createPricer(options);
      const uncached = (u: TokenUsage, model: string, o: PriceCallOptions) => {
        cold.clearCache();
        return cold.price(u, model, o);
      };
      let priced = 0;
      let lookups = 0;
      // Three passes in alternating orders: the cache is warmed by one usage, call time and tier, then asked others.
      for (let pass = 0; pass < 3; pass++) {
        const calls = pass % 2 === 0 ? CALLS : [...CALLS].reverse();
        for (const [model, o] of calls) {
          for (const u of pass === 1 ? [...USAGES].reverse() : USAGES) {
            // A copy of the name, as a parsed response body gives: the cache must not rely on string identity.
            const cost = warm.price(u, JSON.parse(JSON.stringify(model)) as string, o);
            expect(cost, `${model} ${JSON.stringify(o)} ${JSON.stringify(u)}`).toEqual(uncached(u, model, o));
            if (cost !== undefined) priced++;
          }
        }
        if (pass === 0) lookups = warm.cachedLookups;
      }
      // Later passes found everything in the cache.
      expect(warm.cachedLookups).toBe(lookups);
      expect(lookups).toBeGreaterThan(10);
      expect(priced).toBeGreaterThan(100);
    });
  }

  it('equals the library times the markup for table prices, whatever the cache was warmed with', () => {
    const warm = createPricer({ ...quiet, markup: 1.1 });
    for (const u of [...USAGES, ...USAGES.toReversed()]) {
      for (const [model, provider, at] of [
        ['claude-sonnet-4-5', 'anthropic', PEAK],
        ['gemini-2.5-pro', 'google', PEAK],
        ['deepseek-chat', 'deepseek', PEAK],
        ['deepseek-chat', 'deepseek', OFF_PEAK],
        ['o4-mini', 'openai', PEAK],
      ] as const) {
        const cost = warm.price(u, model, { provider, at });
        if (u.cacheReadTokens !== undefined && u.cacheReadTokens > u.inputTokens) {
          // The library throws on such usage.
          expect(cost).toBeUndefined();
          continue;
        }
        const library = calcPrice(libraryUsage(u), model, { providerId: provider, timestamp: at });
        expect(cost?.amountUsd, `${model} ${JSON.stringify(u)}`).toBe(
          (library?.total_price ?? Number.NaN) * 1.1,
        );
      }
    }
  });

  it('prices a long prompt at the higher tier after short prompts of the same model were priced', () => {
    const pricer = createPricer(quiet);
    const short = pricer.price(usage(10_000, 1_000), 'claude-sonnet-4-5', { provider: 'anthropic' });
    const long = pricer.price(usage(250_000, 1_000), 'claude-sonnet-4-5', { provider: 'anthropic' });
    // Below 200k prompt tokens: input 3, output 15; above: 6 and 22.5 (USD per million).
    expect(short?.amountUsd).toBeCloseTo((10_000 * 3 + 1_000 * 15) / 1e6, 15);
    expect(long?.amountUsd).toBeCloseTo((250_000 * 6 + 1_000 * 22.5) / 1e6, 14);
    expect(pricer.price(usage(10_000, 1_000), 'claude-sonnet-4-5', { provider: 'anthropic' })).toEqual(short);
  });

  it('prices off-peak calls at the off-peak price after peak calls of the same model were priced', () => {
    const pricer = createPricer(quiet);
    const u = usage(5_000, 300, 1_000);
    const peak = pricer.price(u, 'deepseek-chat', { provider: 'deepseek', at: PEAK });
    const offPeak = pricer.price(u, 'deepseek-chat', { provider: 'deepseek', at: OFF_PEAK });
    expect(offPeak?.amountUsd).not.toBe(peak?.amountUsd);
    for (const [at, expected] of [
      [PEAK, peak],
      [OFF_PEAK, offPeak],
    ] as const) {
      expect(pricer.price(u, 'deepseek-chat', { provider: 'deepseek', at })).toEqual(expected);
      expect(pricer.price(u, 'deepseek-chat', { provider: 'deepseek', at })?.amountUsd).toBe(
        calcPrice(libraryUsage(u), 'deepseek-chat', { providerId: 'deepseek', timestamp: at })?.total_price,
      );
    }
  });

  it('keeps the prices of one provider apart from another provider of the same model name', () => {
    const pricer = createPricer(quiet);
    const u = usage(1_000_000, 1_000_000);
    const openai = pricer.price(u, 'gpt-4o', { provider: 'openai' });
    const azure = pricer.price(u, 'gpt-4o', { provider: 'azure' });
    const inferred = pricer.price(u, 'gpt-4o', { baseUrl: RELAY });
    expect([openai?.provider, azure?.provider, inferred?.provider]).toEqual(['openai', 'azure', 'openai']);
    expect(pricer.price(u, 'gpt-4o', { provider: 'azure' })).toEqual(azure);
    expect(pricer.price(u, 'gpt-4o', { provider: 'openai' })).toEqual(openai);
  });
});

describe('a changed setting is not served from another pricer’s cache', () => {
  const u = usage(1_000_000, 1_000_000, 500_000);

  it('a pricer with other overrides prices the same model with its own', () => {
    const before = createPricer({ ...quiet, overrides: { 'acme-llm': { input: 1, output: 2 } } });
    const after = createPricer({
      ...quiet,
      overrides: { 'acme-llm': { input: 3, output: 4, cachedInput: 1 } },
    });
    for (let i = 0; i < 3; i++) {
      expect(before.price(u, 'acme-llm-v2')?.amountUsd).toBe(1 + 2);
      expect(after.price(u, 'acme-llm-v2')?.amountUsd).toBe(0.5 * 3 + 0.5 * 1 + 4);
    }
    // An override of a table model wins in the pricer that has it only.
    const table = createPricer(quiet).price(u, 'gpt-4o', { provider: 'openai' });
    const overridden = createPricer({ ...quiet, overrides: { 'gpt-4o': { input: 1, output: 1 } } });
    expect(overridden.price(u, 'gpt-4o', { provider: 'openai' })).toMatchObject({
      pricedBy: 'override',
      amountUsd: 2,
    });
    expect(createPricer(quiet).price(u, 'gpt-4o', { provider: 'openai' })).toEqual(table);
  });

  it('a pricer with another markup, option or AIOTEL_PRICE_MARKUP, applies its own', () => {
    const base = createPricer(quiet).price(u, 'gpt-4o', { provider: 'openai' })?.amountUsd ?? Number.NaN;
    vi.stubEnv('AIOTEL_PRICE_MARKUP', '1.5');
    const fromEnv = createPricer(quiet);
    vi.stubEnv('AIOTEL_PRICE_MARKUP', '2');
    const fromNewEnv = createPricer(quiet);
    const fromOption = createPricer({ ...quiet, markup: 3 });
    for (let i = 0; i < 3; i++) {
      expect(fromEnv.price(u, 'gpt-4o', { provider: 'openai' })?.amountUsd).toBe(base * 1.5);
      expect(fromNewEnv.price(u, 'gpt-4o', { provider: 'openai' })?.amountUsd).toBe(base * 2);
      expect(fromOption.price(u, 'gpt-4o', { provider: 'openai' })?.amountUsd).toBe(base * 3);
    }
  });

  it('priceCall follows a newly configured default pricer', () => {
    const m = usage(1_000_000, 0);
    useAsDefaultPricer(createPricer({ ...quiet, overrides: { 'acme-llm': { input: 1, output: 1 } } }));
    expect(priceCall(m, 'acme-llm')?.amountUsd).toBe(1);
    useAsDefaultPricer(createPricer({ ...quiet, overrides: { 'acme-llm': { input: 7, output: 1 } } }));
    expect(priceCall(m, 'acme-llm')?.amountUsd).toBe(7);
  });
});
