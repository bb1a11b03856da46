import { BoundedCache } from './bounded-cache.js';
import { resolveMarkup } from './markup.js';
import { loadPriceOverridesFile, shown, validatePriceOverrides } from './overrides.js';
import { activePriceData, priceDataGeneration } from './price-data.js';
import { inferProvider } from './provider.js';
import { compileModelRates, computeCost, isFixed, type ModelRates, overrideRates, ratesAt } from './rates.js';
import { findTableEntry } from './table-match.js';
import type { CallCost, PriceCallOptions, PriceOverride, PricerOptions, TokenUsage } from './types.js';

/** Prices calls with one configuration (overrides, markup) and its own lookup cache. */
export interface Pricer {
  /**
   * Cost of a call, or `undefined` when the model has no price (not in the table, no override) or the usage
   * is missing or inconsistent. Never throws.
   */
  price(usage: TokenUsage | undefined, model: string, options?: PriceCallOptions): CallCost | undefined;
  /** Whether `price` would find prices for this model (with these options). Never throws. */
  isPriced(model: string, options?: PriceCallOptions): boolean;
  /** The multiplier applied to every cost. */
  readonly markup: number;
  /** Number of (provider, model) lookups cached now (at most the `cacheSize` option). */
  readonly cachedLookups: number;
  /** Forgets cached lookups (`setPriceData` does it for every pricer). */
  clearCache(): void;
}

interface Resolved {
  readonly pricedBy: 'table' | 'override';
  readonly provider: string | undefined;
  readonly model: string;
  readonly rates: ModelRates;
}

/** GenAI semconv provider names accepted where a pricing provider id is expected. */
const SEMCONV_TO_PRICING: Readonly<Record<string, string>> = {
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  mistral_ai: 'mistral',
  x_ai: 'x-ai',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'aws.bedrock': 'aws',
};

function tableEntry(model: string, provider: string | undefined): Resolved | undefined {
  try {
    const found = findTableEntry(activePriceData(), model, provider);
    if (found === undefined) return undefined;
    return {
      pricedBy: 'table',
      provider: found.provider.id,
      model: found.model.id,
      rates: compileModelRates(found.model),
    };
  } catch {
    // Table data that cannot be priced (a bad price, constraint or rule): unpriced rather than a wrong number.
    return undefined;
  }
}

/**
 * Creates a pricer. Price lookup order for a model: user overrides (option, then prices file; exact name, else
 * the longest key that is a prefix of it, case-insensitive), then the price table (`@pydantic/genai-prices`'s) for the
 * provider (given, or inferred from `baseUrl` and the model name), retried with the part after the last `/`
 * for vendor-prefixed names (`anthropic/claude-sonnet-4-5`). Configuration problems go to `onWarning` once, here.
 */
export function createPricer(options: PricerOptions = {}): Pricer {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const problems: string[] = [];

  const merged: Record<string, PriceOverride> = Object.create(null);
  const file = options.pricesFile === undefined ? process.env.AIOTEL_PRICES_FILE : options.pricesFile;
  if (typeof file === 'string' && file.trim() !== '') {
    const loaded = loadPriceOverridesFile(file);
    problems.push(...loaded.problems);
    Object.assign(merged, loaded.overrides);
  }
  if (options.overrides !== undefined) {
    const checked = validatePriceOverrides(options.overrides, 'overrides option');
    problems.push(...checked.problems);
    Object.assign(merged, checked.overrides);
  }
  const markupSetting = resolveMarkup(options.markup, process.env.AIOTEL_PRICE_MARKUP);
  if (markupSetting.problem) problems.push(markupSetting.problem);
  const markup = markupSetting.markup;
  const cacheSizeOk =
    options.cacheSize === undefined || (Number.isFinite(options.cacheSize) && options.cacheSize >= 1);
  if (!cacheSizeOk) {
    problems.push(
      `aiotel cost: cacheSize option: expected a number >= 1, got ${shown(options.cacheSize)}; using 1000`,
    );
  }

  for (const problem of problems) {
    try {
      warn(problem);
    } catch {
      // A throwing logger must not stop pricing.
    }
  }

  const overrideKeys = new Map<string, { key: string; override: PriceOverride }>();
  for (const [key, override] of Object.entries(merged))
    overrideKeys.set(key.toLowerCase(), { key, override });
  const prefixes = [...overrideKeys.keys()].sort((a, b) => b.length - a.length);

  // Keyed by (pricing provider or '', model). `null` caches a model without a price: a miss costs a full table scan.
  const cache = new BoundedCache<string, string, Resolved | null>(
    cacheSizeOk ? (options.cacheSize ?? 1000) : 1000,
  );
  // The price data the cached lookups were made on: `setPriceData` changes it for every pricer of the process.
  let dataGeneration = priceDataGeneration();

  function overrideEntry(model: string, provider: string | undefined): Resolved | undefined {
    if (overrideKeys.size === 0) return undefined;
    const lower = model.toLowerCase();
    let found = overrideKeys.get(lower);
    if (found === undefined) {
      const prefix = prefixes.find((p) => lower.startsWith(p));
      if (prefix !== undefined) found = overrideKeys.get(prefix);
    }
    if (found === undefined) return undefined;
    return { pricedBy: 'override', provider, model: found.key, rates: overrideRates(found.override) };
  }

  function resolve(model: string, provider: string | undefined): Resolved | undefined {
    const hit = cache.get(provider ?? '', model);
    if (hit !== undefined) return hit ?? undefined;
    let entry = overrideEntry(model, provider) ?? tableEntry(model, provider);
    const slash = model.lastIndexOf('/');
    if (entry === undefined && slash >= 0 && slash < model.length - 1) {
      entry = tableEntry(model.slice(slash + 1), provider);
    }
    cache.set(provider ?? '', model, entry ?? null);
    return entry;
  }

  function lookup(model: string, options: PriceCallOptions | undefined): Resolved | undefined {
    const generation = priceDataGeneration();
    if (generation !== dataGeneration) {
      cache.clear();
      dataGeneration = generation;
    }
    const given = options?.provider;
    const provider =
      typeof given === 'string' && given !== ''
        ? Object.hasOwn(SEMCONV_TO_PRICING, given)
          ? SEMCONV_TO_PRICING[given]
          : given
        : inferProvider({ model, baseUrl: options?.baseUrl }).pricing;
    return resolve(model, provider);
  }

  return {
    markup,
    get cachedLookups() {
      return cache.size;
    },
    clearCache() {
      cache.clear();
    },
    isPriced(model, callOptions) {
      try {
        return typeof model === 'string' && lookup(model, callOptions) !== undefined;
      } catch {
        return false;
      }
    },
    price(usage, model, callOptions) {
      try {
        if (typeof model !== 'string' || typeof usage !== 'object' || usage === null) return undefined;
        const resolved = lookup(model, callOptions);
        if (resolved === undefined) return undefined;
        const { rates } = resolved;
        // The clock is read only for the few models whose prices change by date or time of day.
        const inForce = isFixed(rates) ? rates : ratesAt(rates, callTime(callOptions?.at));
        const parts = computeCost(inForce, usage, markup);
        if (parts === undefined) return undefined;
        return {
          amountUsd: parts.total,
          currency: 'USD',
          source: 'local',
          pricedBy: resolved.pricedBy,
          provider: resolved.provider,
          model: resolved.model,
          breakdown: {
            input: parts.input,
            cachedInput: parts.cachedInput,
            cacheWrite: parts.cacheWrite,
            output: parts.output,
            request: parts.request,
          },
        };
      } catch {
        return undefined;
      }
    },
  };
}

/** The call time in epoch ms: `at` when valid, else now. */
function callTime(at: Date | number | undefined): number {
  const given = at === undefined ? Number.NaN : typeof at === 'number' ? at : at.getTime();
  return Number.isFinite(given) ? given : Date.now();
}

let defaultPricer: Pricer | undefined;

/**
 * Where {@link useAsDefaultPricer} keeps the configured pricer: a registered symbol on `globalThis`, so every copy
 * of this package in the process (ESM and CJS builds, two versions) prices with the same one.
 */
const CONFIGURED_PRICER = Symbol.for('aiotel.cost.defaultPricer');

type WithConfiguredPricer = typeof globalThis & { [CONFIGURED_PRICER]?: Pricer };

/**
 * Makes `pricer` the default pricer of the process, so every consumer of {@link getDefaultPricer} (the spend
 * budget of `@aiotel/resilience`, `priceCall`) prices like the instrumentation. `@aiotel/node` calls this with the
 * pricer it configured; `undefined` goes back to the environment's.
 */
export function useAsDefaultPricer(pricer: Pricer | undefined): void {
  (globalThis as WithConfiguredPricer)[CONFIGURED_PRICER] = pricer;
}

/**
 * The pricer behind `priceCall`: the one given to {@link useAsDefaultPricer} when there is one, else created on
 * first use from the environment (`AIOTEL_PRICES_FILE`, `AIOTEL_PRICE_MARKUP`).
 */
export function getDefaultPricer(): Pricer {
  const configured = (globalThis as WithConfiguredPricer)[CONFIGURED_PRICER];
  if (configured !== undefined) return configured;
  defaultPricer ??= createPricer();
  return defaultPricer;
}

/**
 * Cost of one call with the default pricer, or `undefined` when the model has no price. Never throws.
 * `usage` is a `TokenUsage` (see `usageFromOpenAI` to get one from an OpenAI response).
 */
export function priceCall(
  usage: TokenUsage | undefined,
  model: string,
  options?: PriceCallOptions,
): CallCost | undefined {
  return getDefaultPricer().price(usage, model, options);
}

/** Whether the default pricer has prices for the model. Never throws. */
export function isPriced(model: string, options?: PriceCallOptions): boolean {
  return getDefaultPricer().isPriced(model, options);
}
