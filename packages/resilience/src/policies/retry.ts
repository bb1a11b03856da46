import { ConstantBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import { sleep } from '../abort.js';
import { AttemptFailure, isRetryable } from '../attempt-failure.js';
import type { CallAttributes } from '../call.js';
import { errorBody } from '../classify.js';
import { RetryAfterTooLongError } from '../errors.js';
import type { PolicyEvents } from '../events.js';
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

/**
 * Runs `attempt` (number 0, 1, …) under the retry loop: before a retry it waits the failure's Retry-After or the
 * backoff (abortable), reported as a `retry` event; a Retry-After above `maxRetryAfterMs` fails the call at once
 * with `RetryAfterTooLongError`. Without retry options, or for a one-shot upload body, one attempt.
 */
export function runWithRetry<T>(
  options: Required<RetryOptions> | undefined,
  policy: RetryPolicy | undefined,
  call: CallAttributes,
  events: PolicyEvents,
  signal: AbortSignal,
  attempt: (attemptNo: number) => Promise<T>,
): Promise<T> {
  // The first attempt runs outside cockatiel, so a call that succeeds at once costs no retry loop: its failure is
  // handed to the loop as the loop's own attempt 0, which goes on from there as if it had run it.
  return attempt(0).catch((err: unknown) => {
    const first = failure(err, 0, options);
    if (!policy) throw first;
    let last = err instanceof AttemptFailure ? err : undefined;
    const once = async (attemptNo: number): Promise<T> => {
      if (last && options) {
        const delay = last.retryAfterMs ?? backoffDelayMs(attemptNo, options);
        events.emit('retry', call, attemptNo, last.classification.reason, delay);
        await sleep(delay, signal);
      }
      try {
        return await attempt(attemptNo);
      } catch (err) {
        if (err instanceof AttemptFailure) last = err;
        throw failure(err, attemptNo, options);
      }
    };
    return policy.execute(({ attempt: n }) => (n === 0 ? Promise.reject(first) : once(n)), signal);
  });
}

/** What a failed attempt throws: the failure itself, or `RetryAfterTooLongError` when a retry would wait too long. */
function failure(err: unknown, attemptNo: number, options: Required<RetryOptions> | undefined): unknown {
  const wait = err instanceof AttemptFailure ? err.retryAfterMs : undefined;
  if (
    options &&
    wait !== undefined &&
    (err as AttemptFailure).classification.retryable &&
    attemptNo < options.maxRetries &&
    wait > options.maxRetryAfterMs
  ) {
    const response = (err as AttemptFailure).response;
    const message = response && errorBody(response.text)?.message;
    return new RetryAfterTooLongError(
      wait,
      options.maxRetryAfterMs,
      response?.status ?? 0,
      typeof message === 'string' ? message : undefined,
    );
  }
  return err;
}
