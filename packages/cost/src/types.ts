/**
 * Token counts of one call, normalised from any OpenAI usage shape (see `usageFromOpenAI`).
 *
 * The parts follow the billing convention of OpenAI and of `@pydantic/genai-prices`:
 * `cacheReadTokens` and `cacheWriteTokens` are parts of `inputTokens`, `reasoningTokens` is a part of
 * `outputTokens`. A part that the API did not report is `undefined` (not 0).
 */
export interface TokenUsage {
  /** All input (prompt) tokens, cached ones included. */
  readonly inputTokens: number;
  /** All output (completion) tokens, reasoning included. 0 for embeddings. */
  readonly outputTokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached rate). */
  readonly cacheReadTokens?: number | undefined;
  /** Input tokens written to the prompt cache (Anthropic-style cache creation, billed at the cache-write rate). */
  readonly cacheWriteTokens?: number | undefined;
  /** Output tokens spent on reasoning; already inside `outputTokens`, never billed twice. */
  readonly reasoningTokens?: number | undefined;
}

/** Cost of one call in USD, split by what was billed. Parts include the markup. */
export interface CostBreakdown {
  /** Uncached input tokens. */
  readonly input: number;
  /** Input tokens read from the prompt cache. */
  readonly cachedInput: number;
  /** Input tokens written to the prompt cache. */
  readonly cacheWrite: number;
  /** Output tokens (reasoning included). */
  readonly output: number;
  /** Fixed fee per request (a few providers charge one, e.g. Perplexity's `sonar`); usually 0. */
  readonly request: number;
}

/** What a priced call cost. `undefined` is returned instead when the model has no price (never a silent 0). */
export interface CallCost {
  /** Total in USD, markup included. */
  readonly amountUsd: number;
  readonly currency: 'USD';
  /** Always `local`: computed here from a price table (a cost reported by the API is the caller's `provider`). */
  readonly source: 'local';
  /** Where the prices came from: the `@pydantic/genai-prices` table or a user override. */
  readonly pricedBy: 'table' | 'override';
  /**
   * Pricing provider id: the `@pydantic/genai-prices` provider that matched (`openai`, `anthropic`, `google`, …),
   * or for an override the provider inferred for the call (`undefined` when none was).
   */
  readonly provider: string | undefined;
  /** The price entry that matched: the table's model id (`gpt-4o` for `gpt-4o-2024-08-06`) or the override key. */
  readonly model: string;
  readonly breakdown: CostBreakdown;
}

/**
 * A user price, in USD per million tokens. `input` and `output` are required; `cachedInput` and `cacheWrite`
 * default to `input` (the tokens are billed at the plain input rate when the provider has no cache price).
 */
export interface PriceOverride {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
  readonly cacheWrite?: number;
}

/** User price overrides keyed by model name; a key matches the model exactly or as its prefix (longest wins). */
export type PriceOverrides = Readonly<Record<string, PriceOverride>>;

/** Options of `createPricer`. Every option has an environment variable equal, read when the option is absent. */
export interface PricerOptions {
  /** Prices that win over the table (and over the prices file). Default: none. */
  readonly overrides?: PriceOverrides;
  /**
   * JSON file of overrides (same shape as `overrides`). Default: the `AIOTEL_PRICES_FILE` environment variable;
   * `false` ignores the variable.
   */
  readonly pricesFile?: string | false;
  /**
   * Multiplier applied to every cost, for relays that charge a markup (`1.1` = +10 %). Finite and > 0.
   * Default: the `AIOTEL_PRICE_MARKUP` environment variable, else 1.
   */
  readonly markup?: number;
  /** How many (provider, model) price lookups are kept. Default: 1000. */
  readonly cacheSize?: number;
  /** Receives configuration problems (bad file, bad override, bad markup). Default: `console.warn`. */
  readonly onWarning?: (message: string) => void;
}

/** Per-call options of `price`, `priceCall` and `lookupPrice`. */
export interface PriceCallOptions {
  /**
   * `@pydantic/genai-prices` provider id to price with (`openai`, `anthropic`, `google`, `azure`, …).
   * Default: inferred from `baseUrl` and the model name (see `inferProvider`).
   */
  readonly provider?: string | undefined;
  /** Base URL the call went to (e.g. the OpenAI client's `baseURL`); used to infer the provider. */
  readonly baseUrl?: string | undefined;
  /** When the call was made, for prices that change by date or time of day. Default (and when invalid): now. */
  readonly at?: Date | number | undefined;
}
