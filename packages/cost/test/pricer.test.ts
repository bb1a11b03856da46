import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPricer, isPriced, priceCall, type TokenUsage } from '../src/index.js';
import { resolveMarkup } from '../src/markup.js';

const MILLION: TokenUsage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
const quiet = { pricesFile: false as const, onWarning: () => {} };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('unpriced models', () => {
  it('gives no cost (not 0) for a model the table does not know', () => {
    const pricer = createPricer(quiet);
    expect(pricer.price(MILLION, 'totally-unknown-model')).toBeUndefined();
    expect(pricer.isPriced('totally-unknown-model')).toBe(false);
    expect(pricer.isPriced('gpt-4o')).toBe(true);
  });

  it('gives no cost for an invented suffix of a known model', () => {
    expect(
      createPricer(quiet).price(MILLION, 'gpt-4o-foo', { baseUrl: 'https://api.openai.com/v1' }),
    ).toBeUndefined();
  });

  it('gives no cost for an open-weights model through an unknown relay (host-specific prices)', () => {
    expect(
      createPricer(quiet).price(MILLION, 'llama-3.3-70b-versatile', { baseUrl: 'https://relay.example' }),
    ).toBeUndefined();
  });

  it('prices an open-weights model on a host whose table has it', () => {
    const cost = createPricer(quiet).price(MILLION, 'llama-3.3-70b-versatile', {
      baseUrl: 'https://api.groq.com/openai/v1',
    });
    expect(cost).toMatchObject({ provider: 'groq', amountUsd: 0.59 + 0.79 });
  });

  it.each([
    ['negative', { inputTokens: -1, outputTokens: 1 }],
    ['NaN', { inputTokens: Number.NaN, outputTokens: 1 }],
    ['cache parts larger than the input', { inputTokens: 10, outputTokens: 1, cacheReadTokens: 11 }],
    ['reasoning larger than the output', { inputTokens: 10, outputTokens: 1, reasoningTokens: 2 }],
  ])('gives no cost for inconsistent usage (%s) rather than a wrong number', (_, usage) => {
    expect(createPricer(quiet).price(usage as TokenUsage, 'gpt-4o')).toBeUndefined();
  });

  it('gives no cost when the usage is missing (usageFromOpenAI found no counts)', () => {
    expect(priceCall(undefined, 'gpt-4o')).toBeUndefined();
  });

  it('never throws on garbage input', () => {
    const pricer = createPricer(quiet);
    expect(pricer.price(null as unknown as TokenUsage, 'gpt-4o')).toBeUndefined();
    expect(pricer.price(MILLION, undefined as unknown as string)).toBeUndefined();
    expect(pricer.price({} as TokenUsage, 'gpt-4o')).toBeUndefined();
    expect(pricer.isPriced(undefined as unknown as string)).toBe(false);
  });
});

describe('overrides', () => {
  it('win over the table', () => {
    const pricer = createPricer({ ...quiet, overrides: { 'gpt-4o': { input: 1, output: 2 } } });
    const cost = pricer.price(MILLION, 'gpt-4o');
    expect(cost).toMatchObject({ amountUsd: 3, pricedBy: 'override', model: 'gpt-4o', provider: 'openai' });
  });

  it('price a model the table does not know, with cached input at its own rate', () => {
    const pricer = createPricer({
      ...quiet,
      overrides: { 'my-model': { input: 1, output: 2, cachedInput: 0.5 } },
    });
    const cost = pricer.price(
      { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 400_000 },
      'my-model',
    );
    expect(cost?.amountUsd).toBeCloseTo(0.6 + 0.2 + 2, 15);
    expect(cost?.breakdown).toEqual({ input: 0.6, cachedInput: 0.2, cacheWrite: 0, output: 2, request: 0 });
  });

  it('bill cached input and cache writes at the input rate when no cache prices are given', () => {
    const pricer = createPricer({ ...quiet, overrides: { 'my-model': { input: 1, output: 0 } } });
    const cost = pricer.price(
      { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 300_000, cacheWriteTokens: 200_000 },
      'my-model',
    );
    expect(cost?.amountUsd).toBe(1);
  });

  it('match by prefix, the longest key first, case-insensitively', () => {
    const pricer = createPricer({
      ...quiet,
      overrides: { 'my-model': { input: 1, output: 0 }, 'my-model-pro': { input: 5, output: 0 } },
    });
    const input = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(pricer.price(input, 'my-model-2026-01-01')).toMatchObject({ amountUsd: 1, model: 'my-model' });
    expect(pricer.price(input, 'My-Model-Pro-latest')).toMatchObject({ amountUsd: 5, model: 'my-model-pro' });
    expect(pricer.price(input, 'other-my-model')).toBeUndefined();
  });

  it('with a bad entry report it and keep the good ones', () => {
    const warnings: string[] = [];
    const pricer = createPricer({
      pricesFile: false,
      onWarning: (m) => warnings.push(m),
      overrides: { good: { input: 1, output: 1 }, bad: { input: Number.NaN, output: 1 } },
    });
    expect(pricer.isPriced('good')).toBe(true);
    expect(pricer.isPriced('bad')).toBe(false);
    expect(warnings).toEqual([
      'aiotel cost: overrides option: "bad".input: expected a non-negative number (USD per million tokens), got NaN; entry ignored',
    ]);
  });
});

describe('markup', () => {
  it('multiplies the total and every part', () => {
    const base = createPricer(quiet).price(MILLION, 'gpt-4o')!;
    const marked = createPricer({ ...quiet, markup: 1.1 }).price(MILLION, 'gpt-4o')!;
    expect(marked.amountUsd).toBeCloseTo(base.amountUsd * 1.1, 12);
    expect(marked.breakdown.input).toBeCloseTo(base.breakdown.input * 1.1, 12);
    expect(marked.breakdown.output).toBeCloseTo(base.breakdown.output * 1.1, 12);
  });

  it('is read from AIOTEL_PRICE_MARKUP, and the option wins over it', () => {
    vi.stubEnv('AIOTEL_PRICE_MARKUP', '1.25');
    expect(createPricer(quiet).markup).toBe(1.25);
    expect(createPricer({ ...quiet, markup: 2 }).markup).toBe(2);
    expect(createPricer(quiet).price(MILLION, 'gpt-4o')?.amountUsd).toBe(12.5 * 1.25);
  });

  it.each([
    ['0', '"0"'],
    ['-1', '"-1"'],
    ['ten percent', '"ten percent"'],
  ])('rejects AIOTEL_PRICE_MARKUP=%s with a message and uses 1', (value, shown) => {
    vi.stubEnv('AIOTEL_PRICE_MARKUP', value);
    const warnings: string[] = [];
    const pricer = createPricer({ pricesFile: false, onWarning: (m) => warnings.push(m) });
    expect(pricer.markup).toBe(1);
    expect(warnings).toEqual([
      `aiotel cost: AIOTEL_PRICE_MARKUP: expected a number > 0 (e.g. 1.1 for +10 %), got ${shown}; using 1`,
    ]);
  });

  it('rejects a bad markup option with a message', () => {
    expect(resolveMarkup(Number.POSITIVE_INFINITY, undefined)).toEqual({
      markup: 1,
      problem:
        'aiotel cost: markup option: expected a number > 0 (e.g. 1.1 for +10 %), got Infinity; using 1',
    });
  });

  it('keeps pricing when the warning logger throws', () => {
    const pricer = createPricer({
      pricesFile: false,
      markup: -2,
      onWarning: () => {
        throw new Error('logger down');
      },
    });
    expect(pricer.price(MILLION, 'gpt-4o')?.amountUsd).toBe(12.5);
  });
});

describe('lookup cache', () => {
  it('resolves the model once and returns the same result for a repeated call', () => {
    const pricer = createPricer(quiet);
    const usage = { inputTokens: 1234, outputTokens: 56, cacheReadTokens: 1000 };
    const first = pricer.price(usage, 'gpt-4o-2024-08-06');
    expect(pricer.cachedLookups).toBe(1);
    const second = pricer.price(usage, 'gpt-4o-2024-08-06');
    expect(second).toEqual(first);
    expect(second?.amountUsd).toBe(
      calcPrice({ input_tokens: 1234, output_tokens: 56, cache_read_tokens: 1000 }, 'gpt-4o-2024-08-06', {
        providerId: 'openai',
      })?.total_price,
    );
    expect(pricer.cachedLookups).toBe(1);
  });

  it('also caches models without a price (the expensive miss is not repeated)', () => {
    const pricer = createPricer(quiet);
    pricer.price(MILLION, 'unknown-a');
    pricer.price(MILLION, 'unknown-a');
    expect(pricer.cachedLookups).toBe(1);
  });

  it('is bounded: holds at most cacheSize lookups and still prices evicted models', () => {
    const pricer = createPricer({ ...quiet, cacheSize: 3 });
    for (let i = 0; i < 50; i++) pricer.price(MILLION, `unknown-model-${i}`);
    expect(pricer.cachedLookups).toBe(3);
    pricer.price(MILLION, 'gpt-4o');
    pricer.price(MILLION, 'gpt-4o-mini');
    pricer.price(MILLION, 'o3');
    pricer.price(MILLION, 'o4-mini');
    expect(pricer.cachedLookups).toBe(3);
    expect(pricer.price(MILLION, 'gpt-4o')?.amountUsd).toBe(12.5);
  });

  it('rejects a bad cacheSize with a message and keeps the default', () => {
    const warnings: string[] = [];
    const pricer = createPricer({ pricesFile: false, cacheSize: 0, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual(['aiotel cost: cacheSize option: expected a number >= 1, got 0; using 1000']);
    for (let i = 0; i < 5; i++) pricer.price(MILLION, `unknown-${i}`);
    expect(pricer.cachedLookups).toBe(5);
  });

  it('clearCache forgets lookups', () => {
    const pricer = createPricer(quiet);
    pricer.price(MILLION, 'gpt-4o');
    pricer.clearCache();
    expect(pricer.cachedLookups).toBe(0);
  });
});

describe('provider selection when pricing', () => {
  it('accepts an explicit genai-prices provider id', () => {
    const cost = createPricer(quiet).price(MILLION, 'gpt-4o', { provider: 'azure' });
    expect(cost?.provider).toBe('azure');
  });

  it('accepts a GenAI semconv provider name where a pricing id is expected', () => {
    const cost = createPricer(quiet).price(MILLION, 'gemini-2.5-flash', { provider: 'gcp.gemini' });
    expect(cost?.provider).toBe('google');
  });

  it('prices by the host table on an aggregator (OpenRouter names)', () => {
    const cost = createPricer(quiet).price(MILLION, 'anthropic/claude-sonnet-4.5', {
      baseUrl: 'https://openrouter.ai/api/v1',
    });
    expect(cost).toMatchObject({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' });
  });
});

describe('default pricer', () => {
  it('priceCall and isPriced price with the bundled table', () => {
    expect(priceCall({ inputTokens: 1000, outputTokens: 0 }, 'text-embedding-3-small')?.amountUsd).toBe(
      calcPrice({ input_tokens: 1000, output_tokens: 0 }, 'text-embedding-3-small', { providerId: 'openai' })
        ?.total_price,
    );
    expect(isPriced('gpt-4o-mini', { baseUrl: 'http://127.0.0.1:9999/v1' })).toBe(true);
    expect(isPriced('no-such-model')).toBe(false);
  });
});
