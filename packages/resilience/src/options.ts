import { createPricer, getDefaultPricer, type PriceOverrides, type Pricer } from '@aiotel/cost';
import { diag } from '@opentelemetry/api';
import type { StoreUnavailableMode } from './store/guarded-store.js';
import type { ResilienceStore } from './store/store.js';

/** What a breaker key is computed from: the request's server (`host[:port]`) and model. */
export interface BreakerKeyInput {
  /** `host[:port]` of the request URL, e.g. `api.openai.com`. */
  readonly server: string;
  /** The `model` of the JSON body, when the request has one. */
  readonly model: string | undefined;
}

/** Retry with exponential backoff and jitter, honouring Retry-After. */
export interface RetryOptions {
  /** Retries after the first attempt (so `3` means up to 4 requests). Default `3`. */
  readonly maxRetries?: number;
  /** Base of the exponential backoff, ms. Default `500`. */
  readonly initialDelayMs?: number;
  /** Cap of the exponential backoff, ms. Default `30000`. */
  readonly maxDelayMs?: number;
  /**
   * Longest Retry-After the call waits for, ms; a longer one fails the call at once with
   * `RetryAfterTooLongError`. Default `60000`.
   */
  readonly maxRetryAfterMs?: number;
}

/** A circuit breaker per key (server and model by default). */
export interface CircuitBreakerOptions {
  /** Consecutive provider faults (5xx, 529, connection errors, timeouts, 408) that open the breaker. Default `5`. */
  readonly consecutiveFailures?: number;
  /** How long the breaker stays open before one probe is let through, ms. Default `30000`. */
  readonly halfOpenAfterMs?: number;
  /** Breaker key. Default `` `${server}/${model}` ``, e.g. `api.openai.com/gpt-4o`. */
  readonly key?: (request: BreakerKeyInput) => string;
  /** Count 429 (rate limited) as a provider fault. Default `false`. */
  readonly countRateLimits?: boolean;
}

/** A concurrency limit with a bounded queue. */
export interface BulkheadOptions {
  /** Requests in flight at most (a stream holds its slot until it ends). Default `20`. */
  readonly limit?: number;
  /** Calls allowed to wait for a slot (in this process); more are rejected with `BulkheadRejectedError`. Default `1000`. */
  readonly queue?: number;
  /**
   * With a shared store: a slot whose holder stopped renewing it (a process that died) is freed after this long, ms.
   * Holders renew every third of it. Default `30000`.
   */
  readonly leaseMs?: number;
}

/** Requests and tokens per minute; a call over the limit waits for capacity. */
export interface RateLimitOptions {
  /** Requests per minute at most (sliding window). Default: no limit. */
  readonly requestsPerMinute?: number;
  /**
   * Tokens per minute at most: estimated before the call (request size / 4 plus its max tokens), corrected with
   * the reported usage. Default: no limit.
   */
  readonly tokensPerMinute?: number;
  /**
   * The sliding window the limits are enforced over, ms, each limit scaled to it: `requestsPerMinute: 600` with
   * `windowMs: 1000` lets at most 10 requests through in any second (no burst of 600 at once). Default `60000`.
   */
  readonly windowMs?: number;
}

/** The provider's own rate-limit window, read from its response headers. */
export interface ProviderWindowOptions {
  /** Longest hold a header (a reset or a 429's retry-after) can set, ms. Default `60000`. */
  readonly maxHoldMs?: number;
}

/** Time limits. Each may be `false` (no limit). */
export interface TimeoutOptions {
  /** One HTTP attempt until its response (a JSON body: complete; a stream: its first chunk), ms. Default `600000`. */
  readonly attemptMs?: number | false;
  /** A stream's first chunk, counted from the start of its attempt, ms; retried like any attempt. Default `60000`. */
  readonly firstChunkMs?: number | false;
  /** Longest silence between two chunks of a stream, ms; ends it with `StreamInterruptedError`. Default `60000`. */
  readonly idleMs?: number | false;
  /** The whole call: queue, attempts and waits, until the response is handed over, ms. Default `false`. */
  readonly totalMs?: number | false;
}

/** Other models to try when one is unavailable. */
export interface FallbackOptions {
  /**
   * Models tried in order when the breaker for the requested model is open, or its retries are exhausted on
   * rate limiting (429) or overload (503, 529). Default `[]`.
   */
  readonly models: readonly string[];
}

/** A spend limit over a sliding window. */
export interface BudgetOptions {
  /** Spend (USD) of completed calls within the window past which further calls are refused. */
  readonly usd: number;
  /** Length of the sliding window, ms. Default `86400000` (a day). */
  readonly windowMs?: number;
}

/**
 * Options of {@link resilient}. Every policy is on with its defaults unless set to `false`; `true` means the same as
 * `{}` (its defaults). `fallback` and `budget` have required fields, so `true` is refused for them, naming the field.
 */
export interface ResilienceOptions {
  /** Retries with backoff and Retry-After. Default: on, 3 retries. */
  readonly retry?: RetryOptions | boolean;
  /** One breaker per server and model. Default: on, opens after 5 consecutive provider faults for 30 s. */
  readonly circuitBreaker?: CircuitBreakerOptions | boolean;
  /** Concurrency limit. Default: on, 20 in flight, 1000 queued. */
  readonly bulkhead?: BulkheadOptions | boolean;
  /** Time limits. Default: 10 min per attempt, 60 s to a stream's first chunk and between chunks. */
  readonly timeout?: TimeoutOptions | boolean;
  /** Fallback models. Default: off. */
  readonly fallback?: FallbackOptions | false;
  /** Spend limit. Default: off. */
  readonly budget?: BudgetOptions | false;
  /** Requests / tokens per minute. Default: off. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Holding new calls while the provider's headers say its window is spent. Default: on. */
  readonly providerWindow?: ProviderWindowOptions | boolean;
  /**
   * Where the policies keep their state. Default: this process. A shared store (`redisStore()` of
   * `@aiotel/resilience-redis`) makes bulkhead, rate limit, provider window, budget and breakers hold across every
   * process that uses it.
   */
  readonly store?: ResilienceStore;
  /** Longest wait for one operation of the shared store, ms; past it the store counts as unavailable. Default `250`. */
  readonly storeTimeoutMs?: number;
  /**
   * How long a process trusts what it read from the shared store that needs no action (a breaker closed with no
   * faults, no provider hold), ms, so that an ordinary call costs two round trips (bulkhead acquire and release).
   * Another process's open breaker or provider hold is seen within this long. `0` reads on every call. Default `200`.
   */
  readonly storeCacheMs?: number;
  /**
   * While the shared store is unavailable: `'local'` runs the policies on in-process state (limits per process),
   * `'reject'` refuses calls with `StoreUnavailableError`. Default `'local'`.
   */
  readonly onStoreUnavailable?: StoreUnavailableMode;
  /**
   * Prices the calls the budget counts: `@aiotel/cost`'s `createPricer()` result, or anything with its `price`. Give
   * the instrumentation's pricer so spans and budget agree. Default: `@aiotel/cost`'s default pricer (the one
   * `@aiotel/node` configured, else one from `AIOTEL_PRICES_FILE`).
   */
  readonly pricer?: BudgetPricer;
  /** Price overrides (USD per million tokens) for the budget; ignored when `pricer` is given. Default: none. */
  readonly prices?: PriceOverrides;
}

/** What the budget needs of a pricer. */
export type BudgetPricer = Pick<Pricer, 'price'>;

/** Options after validation, defaults filled in; a disabled policy is `undefined`. */
export interface ResolvedOptions {
  readonly retry: Required<RetryOptions> | undefined;
  readonly circuitBreaker: Required<CircuitBreakerOptions> | undefined;
  readonly bulkhead: Required<BulkheadOptions> | undefined;
  readonly timeout: {
    readonly attemptMs: number | undefined;
    readonly firstChunkMs: number | undefined;
    readonly idleMs: number | undefined;
    readonly totalMs: number | undefined;
  };
  readonly fallbackModels: readonly string[];
  readonly budget: Required<BudgetOptions> | undefined;
  readonly rateLimit:
    | { readonly requestsPerMinute?: number; readonly tokensPerMinute?: number; readonly windowMs: number }
    | undefined;
  readonly providerWindow: Required<ProviderWindowOptions> | undefined;
  readonly store: ResilienceStore | undefined;
  readonly storeTimeoutMs: number;
  readonly storeCacheMs: number;
  readonly onStoreUnavailable: StoreUnavailableMode;
  /** The pricer of the budget, looked up at each priced call (the default one may be configured later). */
  readonly pricer: () => BudgetPricer;
}

/** `${server}/${model}`, or the server alone for requests without a model. */
export const defaultBreakerKey = ({ server, model }: BreakerKeyInput): string =>
  model === undefined ? server : `${server}/${model}`;

function fail(option: string, expected: string, got: unknown): never {
  throw new TypeError(`resilient(): ${option} must be ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** A policy's options: `true` is its defaults (`{}`), `false` turns it off. */
function section<T extends object>(name: string, value: T | boolean | undefined): T | false | undefined {
  if (value === true) return {} as T;
  if (value === undefined || value === false) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(name, 'an object, true or false', value);
  }
  return value;
}

/** A policy without defaults for its required fields: `true` is refused, naming what it needs. */
function requiredSection<T extends object>(
  name: string,
  value: T | boolean | undefined,
  needs: string,
): T | false | undefined {
  if (value === true) fail(name, `an object with ${needs} (it has no defaults) or false`, value);
  return section(name, value);
}

function known(name: string, value: object, keys: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new TypeError(`resilient(): unknown option ${name}.${key} (known: ${keys.join(', ')})`);
    }
  }
}

function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(name, `an integer >= ${min}`, value);
  }
  return value;
}

function positiveMs(name: string, value: unknown, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(name, 'a positive number of milliseconds or false', value);
  }
  return value;
}

/** Validates the options and fills in defaults; throws a `TypeError` naming the first invalid option. */
export function resolveOptions(options: ResilienceOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail('options', 'an object', options);
  }
  known('options', options, [
    'retry',
    'circuitBreaker',
    'bulkhead',
    'timeout',
    'fallback',
    'budget',
    'rateLimit',
    'providerWindow',
    'store',
    'storeTimeoutMs',
    'storeCacheMs',
    'onStoreUnavailable',
    'pricer',
    'prices',
  ]);

  const retryIn = section('retry', options.retry);
  let retry: ResolvedOptions['retry'];
  if (retryIn !== false) {
    const r = retryIn ?? {};
    known('retry', r, ['maxRetries', 'initialDelayMs', 'maxDelayMs', 'maxRetryAfterMs']);
    const initialDelayMs = integer('retry.initialDelayMs', r.initialDelayMs, 500, 0);
    const maxDelayMs = integer('retry.maxDelayMs', r.maxDelayMs, 30_000, 0);
    if (maxDelayMs < initialDelayMs)
      fail('retry.maxDelayMs', `>= retry.initialDelayMs (${initialDelayMs})`, maxDelayMs);
    retry = {
      maxRetries: integer('retry.maxRetries', r.maxRetries, 3, 0),
      initialDelayMs,
      maxDelayMs,
      maxRetryAfterMs: integer('retry.maxRetryAfterMs', r.maxRetryAfterMs, 60_000, 0),
    };
  }

  const cbIn = section('circuitBreaker', options.circuitBreaker);
  let circuitBreaker: ResolvedOptions['circuitBreaker'];
  if (cbIn !== false) {
    const c = cbIn ?? {};
    known('circuitBreaker', c, ['consecutiveFailures', 'halfOpenAfterMs', 'key', 'countRateLimits']);
    if (c.key !== undefined && typeof c.key !== 'function') fail('circuitBreaker.key', 'a function', c.key);
    if (c.countRateLimits !== undefined && typeof c.countRateLimits !== 'boolean') {
      fail('circuitBreaker.countRateLimits', 'a boolean', c.countRateLimits);
    }
    circuitBreaker = {
      consecutiveFailures: integer('circuitBreaker.consecutiveFailures', c.consecutiveFailures, 5, 1),
      halfOpenAfterMs: integer('circuitBreaker.halfOpenAfterMs', c.halfOpenAfterMs, 30_000, 1),
      key: c.key ?? defaultBreakerKey,
      countRateLimits: c.countRateLimits ?? false,
    };
  }

  const bhIn = section('bulkhead', options.bulkhead);
  let bulkhead: ResolvedOptions['bulkhead'];
  if (bhIn !== false) {
    const b = bhIn ?? {};
    known('bulkhead', b, ['limit', 'queue', 'leaseMs']);
    bulkhead = {
      limit: integer('bulkhead.limit', b.limit, 20, 1),
      queue: integer('bulkhead.queue', b.queue, 1000, 0),
      leaseMs: integer('bulkhead.leaseMs', b.leaseMs, 30_000, 30),
    };
  }

  const toIn = section('timeout', options.timeout);
  const t = toIn === false ? {} : (toIn ?? {});
  known('timeout', t, ['attemptMs', 'firstChunkMs', 'idleMs', 'totalMs']);
  const off = toIn === false;
  const timeout = {
    attemptMs: off ? undefined : positiveMs('timeout.attemptMs', t.attemptMs, 600_000),
    firstChunkMs: off ? undefined : positiveMs('timeout.firstChunkMs', t.firstChunkMs, 60_000),
    idleMs: off ? undefined : positiveMs('timeout.idleMs', t.idleMs, 60_000),
    totalMs: off ? undefined : positiveMs('timeout.totalMs', t.totalMs, undefined),
  };

  const fbIn = requiredSection('fallback', options.fallback, 'models');
  let fallbackModels: readonly string[] = [];
  if (fbIn) {
    known('fallback', fbIn, ['models']);
    const models: unknown = fbIn.models;
    if (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m === '')) {
      fail('fallback.models', 'an array of model names', models);
    }
    fallbackModels = [...(models as string[])];
  }

  const budgetIn = requiredSection('budget', options.budget, 'usd');
  let budget: ResolvedOptions['budget'];
  if (budgetIn) {
    known('budget', budgetIn, ['usd', 'windowMs']);
    if (typeof budgetIn.usd !== 'number' || !Number.isFinite(budgetIn.usd) || budgetIn.usd <= 0) {
      fail('budget.usd', 'a positive number of US dollars', budgetIn.usd);
    }
    budget = { usd: budgetIn.usd, windowMs: integer('budget.windowMs', budgetIn.windowMs, 86_400_000, 1) };
  }

  const rlIn = requiredSection('rateLimit', options.rateLimit, 'requestsPerMinute or tokensPerMinute');
  let rateLimit: ResolvedOptions['rateLimit'];
  if (rlIn) {
    known('rateLimit', rlIn, ['requestsPerMinute', 'tokensPerMinute', 'windowMs']);
    const requestsPerMinute =
      rlIn.requestsPerMinute === undefined
        ? undefined
        : integer('rateLimit.requestsPerMinute', rlIn.requestsPerMinute, 0, 1);
    const tokensPerMinute =
      rlIn.tokensPerMinute === undefined
        ? undefined
        : integer('rateLimit.tokensPerMinute', rlIn.tokensPerMinute, 0, 1);
    if (requestsPerMinute === undefined && tokensPerMinute === undefined) {
      fail('rateLimit', 'an object with requestsPerMinute or tokensPerMinute', rlIn);
    }
    rateLimit = {
      requestsPerMinute,
      tokensPerMinute,
      windowMs: integer('rateLimit.windowMs', rlIn.windowMs, 60_000, 100),
    };
  }

  const pwIn = section('providerWindow', options.providerWindow);
  let providerWindow: ResolvedOptions['providerWindow'];
  if (pwIn !== false) {
    const w = pwIn ?? {};
    known('providerWindow', w, ['maxHoldMs']);
    providerWindow = { maxHoldMs: integer('providerWindow.maxHoldMs', w.maxHoldMs, 60_000, 1) };
  }

  const store = options.store;
  if (
    store !== undefined &&
    (typeof store !== 'object' || store === null || typeof store.acquireSlot !== 'function')
  ) {
    fail('store', 'a store (redisStore() of @aiotel/resilience-redis)', store);
  }
  const storeTimeoutMs = integer('storeTimeoutMs', options.storeTimeoutMs, 250, 1);
  const storeCacheMs = integer('storeCacheMs', options.storeCacheMs, 200, 0);
  const onStoreUnavailable = options.onStoreUnavailable ?? 'local';
  if (onStoreUnavailable !== 'local' && onStoreUnavailable !== 'reject') {
    fail('onStoreUnavailable', "'local' or 'reject'", onStoreUnavailable);
  }

  const pricer = resolvePricer(options.pricer, options.prices);

  return {
    retry,
    circuitBreaker,
    bulkhead,
    timeout,
    fallbackModels,
    budget,
    rateLimit,
    providerWindow,
    store,
    storeTimeoutMs,
    storeCacheMs,
    onStoreUnavailable,
    pricer,
  };
}

function resolvePricer(given: unknown, prices: unknown): () => BudgetPricer {
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null || typeof (given as BudgetPricer).price !== 'function') {
      fail('pricer', 'an object with a price() method (createPricer() of @aiotel/cost)', given);
    }
    const pricer = given as BudgetPricer;
    return () => pricer;
  }
  if (prices !== undefined) {
    if (typeof prices !== 'object' || prices === null || Array.isArray(prices)) {
      fail('prices', 'an object of price overrides by model', prices);
    }
    const pricer = createPricer({
      overrides: prices as PriceOverrides,
      onWarning: (message) => diag.warn(`@aiotel/resilience: ${message}`),
    });
    return () => pricer;
  }
  return getDefaultPricer;
}
