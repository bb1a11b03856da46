import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { resilient } from '../src/index.js';
import { resolveOptions } from '../src/options.js';

const openai = () => new OpenAI({ baseURL: 'http://127.0.0.1:1/v1', apiKey: 'test' });

describe('options', () => {
  it('fills in the documented defaults', () => {
    const o = resolveOptions(undefined);
    expect(o.retry).toEqual({
      maxRetries: 3,
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 60_000,
    });
    expect(o.circuitBreaker).toMatchObject({
      consecutiveFailures: 5,
      halfOpenAfterMs: 30_000,
      countRateLimits: false,
    });
    expect(o.circuitBreaker?.key({ server: 'api.openai.com', model: 'gpt-4o' })).toBe(
      'api.openai.com/gpt-4o',
    );
    expect(o.bulkhead).toEqual({ limit: 20, queue: 1000, leaseMs: 30_000 });
    expect(o.timeout).toEqual({
      attemptMs: 600_000,
      firstChunkMs: 60_000,
      idleMs: 60_000,
      totalMs: undefined,
    });
    expect(o.fallbackModels).toEqual([]);
    expect(o.budget).toBeUndefined();
    expect(o.rateLimit).toBeUndefined();
    expect(o.providerWindow).toEqual({ maxHoldMs: 60_000 });
    expect(o.store).toBeUndefined();
    expect(o.storeTimeoutMs).toBe(250);
    expect(o.storeCacheMs).toBe(200);
    expect(o.onStoreUnavailable).toBe('local');
  });

  it('disables a policy given false', () => {
    const o = resolveOptions({ retry: false, circuitBreaker: false, bulkhead: false, timeout: false });
    expect(o.retry).toBeUndefined();
    expect(o.circuitBreaker).toBeUndefined();
    expect(o.bulkhead).toBeUndefined();
    expect(o.timeout).toEqual({
      attemptMs: undefined,
      firstChunkMs: undefined,
      idleMs: undefined,
      totalMs: undefined,
    });
  });

  it('takes true as a policy with its defaults, the same as {}', () => {
    const on = resolveOptions({ retry: true, circuitBreaker: true, bulkhead: true, timeout: true });
    const defaults = resolveOptions({ retry: {}, circuitBreaker: {}, bulkhead: {}, timeout: {} });
    expect(on.bulkhead).toEqual({ limit: 20, queue: 1000, leaseMs: 30_000 });
    expect(on.retry).toEqual(defaults.retry);
    expect(on.circuitBreaker).toEqual(defaults.circuitBreaker);
    expect(on.timeout).toEqual(defaults.timeout);
    expect(() => resilient(openai(), { bulkhead: true })).not.toThrow();
  });

  it.each([
    [{ fallback: true }, /fallback must be an object with models \(it has no defaults\) or false, got true/],
    [{ budget: true }, /budget must be an object with usd \(it has no defaults\) or false, got true/],
  ])('refuses true for %j, which has required fields, naming them', (options, message) => {
    // biome-ignore lint/suspicious/noExplicitAny: true is not in the types for these two, as untyped callers pass it
    expect(() => resilient(openai(), options as any)).toThrow(message);
  });

  it.each([
    [{ retry: { maxRetries: -1 } }, 'retry.maxRetries'],
    [{ rateLimit: {} }, 'rateLimit'],
    [{ rateLimit: true }, 'rateLimit'],
    [{ rateLimit: { requestsPerMinute: 0 } }, 'rateLimit.requestsPerMinute'],
    [{ bulkhead: { leaseMs: 5 } }, 'bulkhead.leaseMs'],
    [{ store: {} }, 'store'],
    [{ onStoreUnavailable: 'wait' }, 'onStoreUnavailable'],
    [{ retry: { maxRetries: 1.5 } }, 'retry.maxRetries'],
    [{ retry: { initialDelayMs: 100, maxDelayMs: 10 } }, 'retry.maxDelayMs'],
    [{ retry: { maxRetryAfterMs: '60s' } }, 'retry.maxRetryAfterMs'],
    [{ circuitBreaker: { consecutiveFailures: 0 } }, 'circuitBreaker.consecutiveFailures'],
    [{ circuitBreaker: { key: 'model' } }, 'circuitBreaker.key'],
    [{ bulkhead: { limit: 0 } }, 'bulkhead.limit'],
    [{ bulkhead: { queue: -1 } }, 'bulkhead.queue'],
    [{ bulkhead: { concurrency: 5 } }, 'bulkhead.concurrency'],
    [{ timeout: { idleMs: 0 } }, 'timeout.idleMs'],
    [{ timeout: { attemptMs: Number.NaN } }, 'timeout.attemptMs'],
    [{ fallback: { models: 'gpt-4o' } }, 'fallback.models'],
    [{ fallback: { models: [''] } }, 'fallback.models'],
    [{ budget: { usd: 0 } }, 'budget.usd'],
    [{ budget: { usd: 5, windowMs: 0 } }, 'budget.windowMs'],
    [{ retries: 3 }, 'options.retries'],
    [{ retry: 3 }, 'retry'],
  ])('throws at construction naming the invalid option %j', (options, name) => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong options, as untyped JavaScript callers pass them
    expect(() => resilient(openai(), options as any)).toThrow(name);
  });

  it('refuses something that is not an OpenAI client', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a wrong argument, as untyped JavaScript callers pass it
    expect(() => resilient({} as any)).toThrow(/OpenAI client/);
  });
});
