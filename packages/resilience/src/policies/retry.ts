import { ConstantBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import { isRetryable } from '../attempt-failure.js';
import type { RetryOptions } from '../options.js';

/**
 * Exponential backoff with jitter before retry number `retry` (1-based): the capped exponential
 * `initialDelayMs * 2^(retry-1)`, of which a random half is waited ("equal jitter", so waits never collapse
 * to zero yet callers spread out).
 */
export function backoffDelayMs(retry: number, options: Required<RetryOptions>, random = Math.random): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return base / 2 + random() * (base / 2);
}

/**
 * The cockatiel retry loop over classified attempt failures. Its own wait is zero: the real wait (backoff or
 * Retry-After) is taken at the start of the next attempt, where a caller's abort can end it at once
 * (cockatiel's own timer cannot be aborted).
 */
export function retryPolicy(options: Required<RetryOptions>): RetryPolicy {
  return retry(handleWhen(isRetryable), { maxAttempts: options.maxRetries, backoff: new ConstantBackoff(0) });
}
