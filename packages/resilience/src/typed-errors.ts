import {
  isBudgetExceededError,
  isBulkheadRejectedError,
  isCircuitOpenError,
  isRetryAfterTooLongError,
  isStoreUnavailableError,
} from './errors.js';

/**
 * The refusal inside an SDK error, else the error itself. The SDK wraps whatever a custom fetch throws in
 * `APIConnectionError` (its stream helpers in `OpenAIError`), with the thrown error as `cause`. Our refusals
 * (`CircuitOpenError`, `BulkheadRejectedError`, `BudgetExceededError`, `RetryAfterTooLongError`,
 * `StoreUnavailableError`) are decisions, not connection trouble: the caller gets them as themselves.
 */
export function unwrapRefusal(err: unknown): unknown {
  const cause = typeof err === 'object' && err !== null ? (err as { cause?: unknown }).cause : undefined;
  if (isRefusal(cause)) return cause;
  return err;
}

function isRefusal(err: unknown): boolean {
  return (
    isCircuitOpenError(err) ||
    isBulkheadRejectedError(err) ||
    isBudgetExceededError(err) ||
    isRetryAfterTooLongError(err) ||
    isStoreUnavailableError(err)
  );
}

const throwUnwrapped = (err: unknown): never => {
  throw unwrapRefusal(err);
};

/**
 * Makes every request of a generated SDK client (`openai`, `@anthropic-ai/sdk`) fail with our refusals as
 * themselves. The client's `makeRequest` (behind every API method: its promise is the `responsePromise` of the
 * `APIPromise` the caller gets, and of every promise derived from it) is overridden on the client object itself,
 * so the refusal replaces the SDK's `APIConnectionError` before any method of those promises sees it: one rejection
 * handler per request, and the caller's promise keeps its prototype and methods untouched. The prototype's method
 * is looked up at call time. A client without `makeRequest` keeps the SDK's wrapping (`unwrapRefusal` still works).
 */
export function unwrapRefusalsOf(client: object): void {
  if (typeof (client as { makeRequest?: unknown }).makeRequest !== 'function') return;
  Object.defineProperty(client, 'makeRequest', {
    configurable: true,
    writable: true,
    value: function makeRequest(this: object, ...args: unknown[]): Promise<unknown> {
      const original = Reflect.get(Object.getPrototypeOf(client) as object, 'makeRequest') as (
        ...a: unknown[]
      ) => Promise<unknown>;
      return original.apply(this, args).then(undefined, throwUnwrapped);
    },
  });
}
