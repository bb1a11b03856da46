import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePriceData } from '../scripts/generate-price-data.ts';
import { libraryPriceData } from '../scripts/library-price-data.ts';
import {
  createPricer,
  type PriceDataProvider,
  priceCall,
  setPriceData,
  type TokenUsage,
} from '../src/index.js';
import { BUNDLED_PRICE_DATA_SOURCE, BUNDLED_PROVIDERS_JSON } from '../src/price-data.generated.js';
import { activePriceData, bundledPriceData, priceDataGeneration } from '../src/price-data.js';
import { compactPriceData, type MatchRule } from '../src/price-data-format.js';
import { findTableEntry } from '../src/table-match.js';

const library = libraryPriceData();
const quiet = { pricesFile: false as const, onWarning: () => {} };
const usage: TokenUsage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

afterEach(() => {
  setPriceData(null);
});

describe('the bundled price table', () => {
  it('is the installed @pydantic/genai-prices table (regenerate with `pnpm --filter @aiotel/cost generate:prices`)', () => {
    const stale = 'src/price-data.generated.ts is not the installed library table: run the generator';
    expect(BUNDLED_PRICE_DATA_SOURCE, stale).toBe(library.source);
    const compact = compactPriceData(library.providers);
    expect(compact.problem).toBeUndefined();
    // Compared decoded (the deflated bytes may differ between zlib versions, the data may not).
    expect(BUNDLED_PROVIDERS_JSON, stale).toBe(encodePriceData(compact.providers ?? []).heads);
    expect(JSON.parse(JSON.stringify(bundledPriceData())), stale).toEqual(compact.providers);
    expect(library.providers.length).toBeGreaterThan(40);
    expect(bundledPriceData().reduce((n, p) => n + p.models.length, 0)).toBeGreaterThan(1_500);
  });

  it('keeps only ids, rules, fallbacks and prices (the library records carry names, URLs, extractors)', () => {
    expect(JSON.stringify(bundledPriceData()).length).toBeLessThan(JSON.stringify(library.providers).length);
    const anthropic = bundledPriceData().find((p) => p.id === 'anthropic');
    expect(Object.keys(anthropic ?? {}).sort()).toEqual(['id', 'model_match', 'models', 'provider_match']);
    expect(Object.keys(anthropic?.models[0] ?? {}).sort()).toEqual(['id', 'match', 'prices']);
  });

  it('is neither imported nor depended on from @pydantic/genai-prices at run time', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.dependencies?.['@pydantic/genai-prices']).toBeUndefined();
    expect(pkg.devDependencies['@pydantic/genai-prices']).toBeDefined();
  });
});

/** The strings a rule compares with: names the rule is meant to match. */
function ruleStrings(rule: MatchRule): string[] {
  if ('or' in rule) return rule.or.flatMap(ruleStrings);
  if ('and' in rule) return rule.and.flatMap(ruleStrings);
  if ('regex' in rule) return [];
  return [Object.values(rule)[0] as string];
}

/** Names to look up for a model: its id and rule strings, and the spellings apps and relays send. */
function namesFor(id: string, rule: MatchRule): string[] {
  const base = [id, ...ruleStrings(rule)];
  return [
    ...new Set(
      base.flatMap((n) => [
        n,
        ` ${n.toUpperCase()} `,
        `${n}-20250514`,
        `${n}-2025-05-14`,
        `${n}-20250231`,
        `vendor/${n}`,
        `${n}-foo`,
        n.replaceAll('-', '.'),
      ]),
    ),
  ];
}

function libraryFinds(model: string, providerId: string | undefined): string {
  try {
    const found = calcPrice(
      { input_tokens: 0, output_tokens: 0 },
      model,
      providerId ? { providerId } : undefined,
    );
    return found === null ? 'none' : `${found.provider.id}/${found.model.id}`;
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

function weFind(model: string, providerId: string | undefined): string {
  const found = findTableEntry(bundledPriceData(), model, providerId);
  return found === undefined ? 'none' : `${found.provider.id}/${found.model.id}`;
}

describe('finding a model in the table', () => {
  it('finds the entry calcPrice finds, for every model of every provider and the names apps send', () => {
    const mismatches: string[] = [];
    let compared = 0;
    let found = 0;
    for (const provider of library.providers) {
      const providerNames = [
        provider.id,
        provider.id.toUpperCase(),
        undefined,
        'litellm',
        'no-such-provider',
      ];
      if (provider.provider_match)
        providerNames.push(...ruleStrings(provider.provider_match).map((s) => `x-${s}`));
      for (const model of provider.models) {
        for (const name of namesFor(model.id, model.match)) {
          for (const providerId of providerNames) {
            const asked = providerId === 'litellm' ? `${provider.id}/${name}` : name;
            const expected = libraryFinds(asked, providerId);
            const actual = weFind(asked, providerId);
            compared++;
            if (expected !== 'none') found++;
            if (actual !== expected)
              mismatches.push(`${providerId ?? '-'} ${asked}: ${actual} != ${expected}`);
          }
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(100_000);
    // Tens of thousands of lookups find a model: the comparison is not only of misses.
    expect(found).toBeGreaterThan(25_000);
  });

  it('reads the models of the provider it picked (and its fallbacks) only', () => {
    const read: string[] = [];
    const data = bundledPriceData().map((p) => ({
      ...p,
      get models() {
        read.push(p.id);
        return p.models;
      },
    }));
    expect(findTableEntry(data, 'gpt-4o-mini', 'openai')?.model.id).toBe('gpt-4o-mini');
    expect(findTableEntry(data, 'claude-sonnet-4-5')?.provider.id).toBe('anthropic');
    expect(findTableEntry(data, 'claude-sonnet-4-5', 'azure')?.provider.id).toBe('azure');
    expect(read).toEqual(['openai', 'anthropic', 'azure', 'openai', 'anthropic']);
  });

  it('follows a provider to its fallback providers (Azure serves OpenAI and Anthropic models)', () => {
    expect(weFind('gpt-4o', 'azure')).toBe(libraryFinds('gpt-4o', 'azure'));
    expect(weFind('claude-sonnet-4-5', 'azure')).toMatch(/^azure\/claude-sonnet-4-5/);
  });
});

const ACME: PriceDataProvider[] = [
  {
    id: 'acme',
    model_match: { starts_with: 'acme-' },
    models: [
      { id: 'acme-large', match: { starts_with: 'acme-large' }, prices: { input_mtok: 2, output_mtok: 6 } },
      {
        id: 'acme-night',
        match: { equals: 'acme-night' },
        // As in the remote data file: constraints without their `type`.
        prices: [
          { prices: { input_mtok: 1, output_mtok: 1 } },
          {
            constraint: { start_time: '22:00:00Z', end_time: '06:00:00Z' },
            prices: { input_mtok: 0.5, output_mtok: 0.5 },
          },
        ],
      },
      { id: 'acme-broken', match: { equals: 'acme-broken' }, prices: { input_mtok: -1, output_mtok: 1 } },
    ],
  },
];

describe('setPriceData', () => {
  it('replaces the table of every pricer, cached lookups included, and null goes back to the bundled one', () => {
    const pricer = createPricer(quiet);
    const before = pricer.price(usage, 'gpt-4o', { provider: 'openai' });
    expect(before?.amountUsd).toBe(12.5);
    expect(pricer.isPriced('acme-large')).toBe(false);

    const result = setPriceData([
      ...ACME,
      {
        id: 'openai',
        models: [{ id: 'gpt-4o', match: { equals: 'gpt-4o' }, prices: { input_mtok: 1, output_mtok: 2 } }],
      },
    ]);
    expect(result).toEqual({ ok: true, providers: 2, models: 4 });
    expect(pricer.price(usage, 'gpt-4o', { provider: 'openai' })?.amountUsd).toBe(3);
    expect(pricer.price(usage, 'acme-large-2')).toMatchObject({
      amountUsd: 8,
      provider: 'acme',
      model: 'acme-large',
    });
    expect(priceCall(usage, 'acme-large')?.amountUsd).toBe(8);
    expect(pricer.price(usage, 'acme-night', { at: new Date('2026-12-03T23:00:00Z') })?.amountUsd).toBe(1);
    expect(pricer.price(usage, 'acme-night', { at: new Date('2026-12-03T12:00:00Z') })?.amountUsd).toBe(2);
    // A negative price: unpriced, not a wrong number.
    expect(pricer.price(usage, 'acme-broken')).toBeUndefined();

    expect(setPriceData(null)).toMatchObject({ ok: true, providers: library.providers.length });
    expect(pricer.price(usage, 'gpt-4o', { provider: 'openai' })).toEqual(before);
    expect(pricer.isPriced('acme-large')).toBe(false);
  });

  it('drops fields pricing does not read from the data it keeps', () => {
    setPriceData([{ ...ACME[0], name: 'Acme', description: 'x'.repeat(10_000), extractors: [] }]);
    expect(JSON.stringify(activePriceData()).length).toBeLessThan(2_000);
  });

  it.each([
    ['an object', { providers: [] }, 'expected an array of providers, got object'],
    [
      'a provider without models',
      [{ id: 'acme' }],
      'provider 0: expected an object with a string id and a models array',
    ],
    ['a model without a rule', [{ id: 'acme', models: [{ id: 'm', prices: {} }] }], 'provider acme model 0'],
    [
      'bad fallbacks',
      [{ id: 'acme', models: [], fallback_model_providers: 'openai' }],
      'fallback_model_providers',
    ],
    [
      'a throwing getter',
      [
        {
          get id(): string {
            throw new Error('boom');
          },
        },
      ],
      'boom',
    ],
  ])('refuses %s with the reason and keeps the table in force', (_, data, reason) => {
    setPriceData(ACME);
    const generation = priceDataGeneration();
    const result = setPriceData(data);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(reason);
    expect(result.ok ? '' : result.problem).toMatch(
      /^aiotel cost: setPriceData: .*; the table in force is kept$/,
    );
    expect(priceDataGeneration()).toBe(generation);
    expect(priceCall(usage, 'acme-large')?.amountUsd).toBe(8);
  });

  it('prices nothing, and throws nothing, with a bad regex in loaded data', () => {
    setPriceData([{ id: 'acme', models: [{ id: 'm', match: { regex: '(' }, prices: { input_mtok: 1 } }] }]);
    expect(priceCall(usage, 'm', { provider: 'acme' })).toBeUndefined();
  });
});
