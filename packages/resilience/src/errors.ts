/**
 * The stable marker every `@aiotel/resilience` error carries: a registered symbol (the same in every copy of the
 * package loaded in one process, ESM and CJS builds alike) whose value names the error's kind. The guards below
 * read it, so they hold where `instanceof` does not (two copies of the package in one process).
 */
export const RESILIENCE_ERROR: unique symbol = Symbol.for('aiotel.resilience.error') as never;

/** The kind of a `@aiotel/resilience` error, as its marker names it. */
export type ResilienceErrorKind =
  | 'ResilienceError'
  | 'CircuitOpenError'
  | 'BulkheadRejectedError'
  | 'BudgetExceededError'
  | 'RetryAfterTooLongError'
  | 'StreamInterruptedError'
  | 'StreamTruncatedError'
  | 'AttemptTimeoutError'
  | 'StoreUnavailableError';

function kindOf(err: unknown): ResilienceErrorKind | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const kind = (err as { [RESILIENCE_ERROR]?: unknown })[RESILIENCE_ERROR];
  return typeof kind === 'string' ? (kind as ResilienceErrorKind) : undefined;
}

/** Marks a class's prototype with its kind (non-enumerable, so it stays out of logs and JSON). */
function mark(target: { prototype: object }, kind: ResilienceErrorKind): void {
  Object.defineProperty(target.prototype, RESILIENCE_ERROR, { value: kind, enumerable: false });
}

/**
 * Base class of every error `@aiotel/resilience` raises itself. The SDK's own HTTP errors (`BadRequestError`,
 * `RateLimitError`, …) are never replaced by these: they reach the caller as the SDK builds them.
 */
export class ResilienceError extends Error {
  override name = 'ResilienceError';
}

/**
 * The circuit breaker for this server and model is open (or half-open with its one probe in flight): the call
 * failed fast without touching the network.
 */
export class CircuitOpenError extends ResilienceError {
  override name = 'CircuitOpenError';
  /** The breaker key, e.g. `api.openai.com/gpt-4o`. */
  readonly key: string;
  /** When the breaker lets a probe through again (epoch ms); `undefined` while a probe is in flight. */
  readonly probeAt: number | undefined;

  constructor(key: string, probeAt: number | undefined) {
    super(
      probeAt === undefined
        ? `Circuit breaker for ${key} is half-open and its probe is in flight; failing fast`
        : `Circuit breaker for ${key} is open after repeated provider faults; next probe in ${Math.max(0, probeAt - Date.now())} ms (at ${new Date(probeAt).toISOString()})`,
    );
    this.key = key;
    this.probeAt = probeAt;
  }
}

/** The bulkhead had no free slot and its queue was full. */
export class BulkheadRejectedError extends ResilienceError {
  override name = 'BulkheadRejectedError';
  /** `bulkhead.limit`: requests allowed in flight. */
  readonly limit: number;
  /** `bulkhead.queue`: calls allowed to wait for a slot. */
  readonly queue: number;

  constructor(limit: number, queue: number) {
    super(
      `Bulkhead full: ${limit} requests in flight and ${queue} waiting (bulkhead.limit / bulkhead.queue)`,
    );
    this.limit = limit;
    this.queue = queue;
  }
}

/** The spend of completed calls in the current window reached `budget.usd`; nothing was sent. */
export class BudgetExceededError extends ResilienceError {
  override name = 'BudgetExceededError';
  /** Spend in the current window, USD. */
  readonly spentUsd: number;
  /** `budget.usd`. */
  readonly limitUsd: number;
  /** `budget.windowMs`. */
  readonly windowMs: number;

  constructor(spentUsd: number, limitUsd: number, windowMs: number) {
    super(
      `Budget exceeded: spent ${spentUsd.toFixed(6)} USD of ${limitUsd} USD in the last ${windowMs} ms (budget.usd)`,
    );
    this.spentUsd = spentUsd;
    this.limitUsd = limitUsd;
    this.windowMs = windowMs;
  }
}

/** The provider asked to wait longer than `retry.maxRetryAfterMs` before retrying: the call failed at once. */
export class RetryAfterTooLongError extends ResilienceError {
  override name = 'RetryAfterTooLongError';
  /** The wait the provider asked for, in ms. */
  readonly retryAfterMs: number;
  /** `retry.maxRetryAfterMs`. */
  readonly maxRetryAfterMs: number;
  /** The HTTP status that carried the Retry-After (usually 429). */
  readonly status: number;
  /** The provider's error message, when its body had one. */
  readonly providerMessage: string | undefined;

  constructor(
    retryAfterMs: number,
    maxRetryAfterMs: number,
    status: number,
    providerMessage: string | undefined,
  ) {
    super(
      `Provider asked to retry after ${retryAfterMs} ms (status ${status}), longer than retry.maxRetryAfterMs = ${maxRetryAfterMs} ms` +
        (providerMessage ? `: ${providerMessage}` : ''),
    );
    this.retryAfterMs = retryAfterMs;
    this.maxRetryAfterMs = maxRetryAfterMs;
    this.status = status;
    this.providerMessage = providerMessage;
  }
}

/** Why a stream stopped before its end. */
export type StreamInterruption = 'connection_lost' | 'idle_timeout';

/**
 * A stream failed after its first chunk reached the caller, so it was not retried: the connection was lost
 * (the raw `TypeError: terminated`) or no chunk arrived for `timeout.idleMs`.
 */
export class StreamInterruptedError extends ResilienceError {
  override name = 'StreamInterruptedError';
  /** `connection_lost` or `idle_timeout`. */
  readonly reason: StreamInterruption;

  constructor(reason: StreamInterruption, detail: string, options?: { cause?: unknown }) {
    super(`Stream interrupted after its first chunk (${reason}): ${detail}`, options);
    this.reason = reason;
  }
}

/**
 * A stream ended without its final event (for chat completions `data: [DONE]` or a finish reason; for
 * Responses `response.completed`, `response.incomplete` or `response.failed`): the content received is
 * incomplete.
 */
export class StreamTruncatedError extends ResilienceError {
  override name = 'StreamTruncatedError';
  /** The final event that never came. */
  readonly expected: string;

  constructor(expected: string) {
    super(`Stream ended without its final event (${expected}); the content received is incomplete`);
    this.expected = expected;
  }
}

/** One attempt took longer than `timeout.attemptMs` (or, for a stream, `timeout.firstChunkMs` to its first chunk). */
export class AttemptTimeoutError extends ResilienceError {
  override name = 'AttemptTimeoutError';
  constructor(what: string, ms: number) {
    // "timed out" in the message makes the SDK report it as its own APIConnectionTimeoutError.
    super(`Request timed out: ${what} exceeded ${ms} ms`);
  }
}

/**
 * The shared store (`store` option) cannot be reached and `onStoreUnavailable` is `'reject'`: the call was refused
 * without being sent, since the shared limits could not be checked.
 */
export class StoreUnavailableError extends ResilienceError {
  override name = 'StoreUnavailableError';
  /** The store operation that could not be done, e.g. `acquire_slot`. */
  readonly operation: string;
  /** When the outage began (epoch ms). */
  readonly since: number;

  constructor(operation: string, since: number) {
    super(
      `The shared store is unavailable (since ${new Date(since).toISOString()}; ${operation} failed) and onStoreUnavailable is 'reject': the call was not sent`,
    );
    this.operation = operation;
    this.since = since;
  }
}

mark(ResilienceError, 'ResilienceError');
mark(CircuitOpenError, 'CircuitOpenError');
mark(BulkheadRejectedError, 'BulkheadRejectedError');
mark(BudgetExceededError, 'BudgetExceededError');
mark(RetryAfterTooLongError, 'RetryAfterTooLongError');
mark(StreamInterruptedError, 'StreamInterruptedError');
mark(StreamTruncatedError, 'StreamTruncatedError');
mark(AttemptTimeoutError, 'AttemptTimeoutError');
mark(StoreUnavailableError, 'StoreUnavailableError');

/** Whether `err` is any error raised by `@aiotel/resilience` (from any copy of the package). */
export const isResilienceError = (err: unknown): err is ResilienceError => kindOf(err) !== undefined;
/** Whether `err` is a `CircuitOpenError` (from any copy of the package). */
export const isCircuitOpenError = (err: unknown): err is CircuitOpenError =>
  kindOf(err) === 'CircuitOpenError';
/** Whether `err` is a `BulkheadRejectedError` (from any copy of the package). */
export const isBulkheadRejectedError = (err: unknown): err is BulkheadRejectedError =>
  kindOf(err) === 'BulkheadRejectedError';
/** Whether `err` is a `BudgetExceededError` (from any copy of the package). */
export const isBudgetExceededError = (err: unknown): err is BudgetExceededError =>
  kindOf(err) === 'BudgetExceededError';
/** Whether `err` is a `RetryAfterTooLongError` (from any copy of the package). */
export const isRetryAfterTooLongError = (err: unknown): err is RetryAfterTooLongError =>
  kindOf(err) === 'RetryAfterTooLongError';
/** Whether `err` is a `StreamInterruptedError` (from any copy of the package). */
export const isStreamInterruptedError = (err: unknown): err is StreamInterruptedError =>
  kindOf(err) === 'StreamInterruptedError';
/** Whether `err` is a `StreamTruncatedError` (from any copy of the package). */
export const isStreamTruncatedError = (err: unknown): err is StreamTruncatedError =>
  kindOf(err) === 'StreamTruncatedError';
/** Whether `err` is an `AttemptTimeoutError` (from any copy of the package). */
export const isAttemptTimeoutError = (err: unknown): err is AttemptTimeoutError =>
  kindOf(err) === 'AttemptTimeoutError';
/** Whether `err` is a `StoreUnavailableError` (from any copy of the package). */
export const isStoreUnavailableError = (err: unknown): err is StoreUnavailableError =>
  kindOf(err) === 'StoreUnavailableError';
