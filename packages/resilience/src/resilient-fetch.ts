import { usageFromOpenAI } from '@aiotel/cost';
import { trace } from '@opentelemetry/api';
import { type Attempt, createAttempt, type Fetch } from './attempt.js';
import type { CallAttributes } from './call.js';
import { CallSignal } from './call-signal.js';
import { AttemptTimeoutError } from './errors.js';
import { PolicyEvents } from './events.js';
import { defaultBreakerKey, type ResolvedOptions } from './options.js';
import { Budget } from './policies/budget.js';
import { Bulkhead, type Held } from './policies/bulkhead.js';
import { Breakers } from './policies/circuit-breaker.js';
import { type FallbackContext, runWithFallback } from './policies/fallback.js';
import { ProviderWindow } from './policies/provider-window.js';
import { estimateTokens, RateLimit, type TokenEstimate } from './policies/rate-limit.js';
import { retryPolicy, runWithRetry } from './policies/retry.js';
import { rebuild } from './rebuilt-response.js';
import { callParams, type RequestInfo, requestInfo } from './request-info.js';
import { GuardedStore } from './store/guarded-store.js';
import { MemoryStore } from './store/memory-store.js';
import type { ResilienceStore } from './store/store.js';
import { subscribeTelemetry } from './telemetry.js';
import { usageFromTail } from './usage.js';

export type { Fetch } from './attempt.js';
export { RETRY_COUNT_HEADER } from './attempt.js';
export { FALLBACK_FROM_HEADER } from './policies/fallback.js';

/** Servers, and models per server, whose policy key is remembered (odd traffic cannot grow the maps). */
const MAX_REMEMBERED_KEYS = 256;

/**
 * The policies of a call, outermost first. This is the one place their order is written: `createResilientFetch`
 * below runs them in this order.
 */
export const POLICY_ORDER = [
  'budget', //           refuse when the window's spend reached the limit
  'rateLimit', //        wait for requests / tokens per minute
  'providerWindow', //   wait while the provider said its window is spent
  'bulkhead', //         wait for a slot (held until the body ends)
  'fallback', //         the requested model, then the fallback models
  'retry', //            attempts with backoff and Retry-After
  'circuitBreaker', //   per server and model: fail fast while open
  'timeout', //          per attempt, to the first chunk, between chunks
] as const;

/**
 * The fetch a resilient client runs with: the policies of {@link POLICY_ORDER} around the real fetch (looked up at
 * call time, so HTTP instrumentation sees every attempt).
 */
export function createResilientFetch(
  options: ResolvedOptions,
  realFetch: () => Fetch,
  events: PolicyEvents = new PolicyEvents(),
): Fetch {
  subscribeTelemetry(events);
  const shared = options.store !== undefined;
  const store: ResilienceStore = options.store
    ? new GuardedStore(
        options.store,
        { timeoutMs: options.storeTimeoutMs, onUnavailable: options.onStoreUnavailable, retryMs: 1_000 },
        events,
      )
    : new MemoryStore();

  const budget = options.budget && new Budget(options.budget, store, options.pricer, events);
  const rateLimit = options.rateLimit && new RateLimit(options.rateLimit, store, events, shared);
  // Read-mostly state of a shared store (a closed breaker, no provider hold) is trusted for storeCacheMs. In-process
  // state changes only through this client's own writes, which drop the cache: trusted until then.
  const cacheMs = shared ? options.storeCacheMs : Number.POSITIVE_INFINITY;
  const providerWindow =
    options.providerWindow && new ProviderWindow(store, events, options.providerWindow.maxHoldMs, cacheMs);
  const bulkhead = options.bulkhead && new Bulkhead({ ...options.bulkhead, shared }, store, events);
  const breakers = options.circuitBreaker && new Breakers(options.circuitBreaker, store, events, cacheMs);
  const retry = options.retry && retryPolicy(options.retry);
  // A fallback rewrites the JSON body's model, so the body is parsed only when there is one.
  const parseBodies = options.fallbackModels.length > 0;
  const keyFor = (server: string, model: string | undefined) =>
    options.circuitBreaker ? options.circuitBreaker.key({ server, model }) : `${server}/${model ?? ''}`;
  const keys = new Map<string, Map<string | undefined, string>>();
  // The built-in key is the same string on every call to a server and model: the maps keyed by it (breakers,
  // provider windows) then hash it once, instead of a new string per call. A user's key function runs each call.
  const keyOf =
    options.circuitBreaker && options.circuitBreaker.key !== defaultBreakerKey
      ? keyFor
      : (server: string, model: string | undefined): string => {
          let byModel = keys.get(server);
          let key = byModel?.get(model);
          if (key === undefined) {
            key = keyFor(server, model);
            if (byModel === undefined && keys.size < MAX_REMEMBERED_KEYS) {
              byModel = new Map();
              keys.set(server, byModel);
            }
            if (byModel !== undefined && byModel.size < MAX_REMEMBERED_KEYS) byModel.set(model, key);
          }
          return key;
        };
  /** The estimate each call took from the token rate limit, to correct with its usage. */
  const estimates = new WeakMap<RequestInfo, TokenEstimate>();

  const attempt: Attempt = createAttempt(options, realFetch, {
    onResponse: (call, response, retryAfterMs) =>
      providerWindow?.observe(call, response.headers, retryAfterMs),
    onTail:
      budget || rateLimit?.countsTokens
        ? (call, info, tail) => {
            try {
              const usage = usageFromTail(tail);
              if (usage === undefined) return;
              if (budget && call.model !== undefined) budget.record(usage, call.model, info.origin);
              const estimate = estimates.get(info);
              const tokens = usageFromOpenAI(usage);
              if (rateLimit && estimate && tokens) {
                rateLimit.correct(estimate, tokens.inputTokens + tokens.outputTokens);
              }
            } catch {
              // Pricing trouble must never fail a call that already succeeded.
            }
          }
        : undefined,
    onTruncated: (call, expected) => events.emit('streamTruncated', call, expected),
  });

  const callOf = (
    span: CallAttributes['span'],
    info: RequestInfo,
    model: string | undefined,
  ): CallAttributes => ({
    span,
    server: info.server,
    serverAttributes: info.serverAttributes,
    model,
    key: keyOf(info.server, model),
  });

  /** Retry → breaker → timeout → attempt, for one model. */
  const runModel = (
    info: RequestInfo,
    init: RequestInit,
    caller: CallSignal,
    call: CallAttributes,
    body: RequestInit['body'],
  ): Promise<Held<Response>> => {
    const breaker = breakers?.get(call);
    const once = breaker
      ? (n: number) => breaker.execute(() => attempt(info, init, body, call, n, caller), call)
      : (n: number) => attempt(info, init, body, call, n, caller);
    // A streamed upload can be read once: like the SDK, never send it again.
    return runWithRetry(
      options.retry,
      isStreamBody(body) ? undefined : retry || undefined,
      call,
      events,
      caller.signal,
      once,
    );
  };
  const fallback: FallbackContext = {
    models: options.fallbackModels,
    events,
    callOf,
    runModel,
    rebuild,
  };
  const totalMs = options.timeout.totalMs;

  /** The policies from the bulkhead in, raced against the caller's abort. */
  const run = (info: RequestInfo, init: RequestInit, call: CallAttributes, signal: AbortSignal) => {
    const caller = new CallSignal(signal);
    const response = bulkhead
      ? bulkhead.run(call, caller, () => runWithFallback(fallback, info, init, call, caller))
      : runWithFallback(fallback, info, init, call, caller).then(heldValue);
    return caller.race(response);
  };

  /** A call with something to wait for first (budget, rate limit, a provider hold) or a total time limit. */
  const waitThenRun = async (info: RequestInfo, init: RequestInit, call: CallAttributes) => {
    const total = totalMs === undefined ? undefined : totalSignal(init.signal, totalMs);
    const signal = total ? total.signal : (init.signal ?? new AbortController().signal);
    try {
      signal.throwIfAborted();
      if (budget) await budget.check(call);
      if (rateLimit) {
        const estimate = estimateTokens(
          init.body,
          callParams.getStore() as Record<string, unknown> | undefined,
        );
        estimates.set(info, estimate);
        await rateLimit.take(call, estimate, signal);
      }
      if (providerWindow && !providerWindow.isClear(call)) await providerWindow.wait(call, signal);
      return await run(info, init, call, signal);
    } finally {
      if (total) clearTimeout(total.timer);
    }
  };

  // Not an async function: a call with nothing to wait for returns the race itself, one promise and tick fewer.
  return function resilientFetch(input, init = {}) {
    try {
      const info = requestInfo(input, init.body, callParams.getStore(), parseBodies);
      const call = callOf(trace.getActiveSpan(), info, info.model);
      if (totalMs !== undefined || budget || rateLimit || (providerWindow && !providerWindow.isClear(call))) {
        return waitThenRun(info, init, call);
      }
      const signal = init.signal ?? new AbortController().signal;
      signal.throwIfAborted();
      return run(info, init, call, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

const heldValue = <T>(held: Held<T>): T => held.value;

/** The caller's signal joined with the whole call's time limit (`timeout.totalMs`), and the limit's timer. */
function totalSignal(
  given: AbortSignal | null | undefined,
  totalMs: number,
): { signal: AbortSignal; timer: ReturnType<typeof setTimeout> } {
  const total = new AbortController();
  const timer = setTimeout(
    () => total.abort(new AttemptTimeoutError('the whole call (timeout.totalMs)', totalMs)),
    totalMs,
  );
  return { signal: given ? AbortSignal.any([given, total.signal]) : total.signal, timer };
}

/** A request body that is a one-shot stream (an upload), as opposed to a string, bytes or form data. */
function isStreamBody(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body instanceof ReadableStream || Symbol.asyncIterator in body)
  );
}
