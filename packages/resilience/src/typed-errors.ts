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
 * (`CircuitOpenError`, `BulkheadRejectedError`, `BudgetExceededError`, `RetryAfterTooLongError`) are
 * decisions, not connection trouble: the caller gets them as themselves.
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

/** Methods of the SDK's `APIPromise` whose rejections reach the caller. */
const PROMISE_METHODS = ['withResponse', 'asResponse'] as const;

type Thenable = PromiseLike<unknown> & Record<string, unknown>;

/**
 * Makes a promise returned by an SDK method (an `APIPromise`: a Promise with `withResponse()`,
 * `asResponse()`, `_thenUnwrap()`) reject with our refusals unwrapped, keeping its type and methods. The
 * original methods are overridden on the instance only.
 */
export function unwrapRefusals<T>(promise: T): T {
  if (!promise || typeof (promise as Thenable).then !== 'function') return promise;
  const p = promise as unknown as Thenable;
  const then = p.then as (this: unknown, f?: unknown, r?: unknown) => Promise<unknown>;
  const onRejected = (err: unknown) => Promise.reject(unwrapRefusal(err));
  Object.defineProperty(p, 'then', {
    configurable: true,
    writable: true,
    value(onfulfilled?: (v: unknown) => unknown, onrejected?: (e: unknown) => unknown) {
      return then.call(p, onfulfilled, (err: unknown) => {
        const unwrapped = unwrapRefusal(err);
        if (onrejected) return onrejected(unwrapped);
        throw unwrapped;
      });
    },
  });
  Object.defineProperty(p, 'catch', {
    configurable: true,
    writable: true,
    value(onrejected?: (e: unknown) => unknown) {
      return (p.then as (f: undefined, r?: unknown) => Promise<unknown>)(undefined, onrejected);
    },
  });
  Object.defineProperty(p, 'finally', {
    configurable: true,
    writable: true,
    value(onfinally?: () => void) {
      return Promise.resolve(p as PromiseLike<unknown>).finally(onfinally);
    },
  });
  for (const name of PROMISE_METHODS) {
    const method = p[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(p, name, {
      configurable: true,
      writable: true,
      value(...args: unknown[]) {
        return (method as (...a: unknown[]) => Promise<unknown>).apply(p, args).then(undefined, onRejected);
      },
    });
  }
  const thenUnwrap = p._thenUnwrap;
  if (typeof thenUnwrap === 'function') {
    Object.defineProperty(p, '_thenUnwrap', {
      configurable: true,
      writable: true,
      value(...args: unknown[]) {
        return unwrapRefusals((thenUnwrap as (...a: unknown[]) => unknown).apply(p, args));
      },
    });
  }
  return promise;
}
