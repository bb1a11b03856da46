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

/** Methods of a promise that reach the caller's handlers: each gets an unwrapping version. */
const METHODS = ['then', 'catch', 'finally', 'withResponse', 'asResponse', '_thenUnwrap'] as const;
type MethodName = (typeof METHODS)[number];
type Method = (this: unknown, ...args: unknown[]) => unknown;
type Thenable = PromiseLike<unknown> & Record<string, unknown>;

const rejectUnwrapped = (err: unknown) => Promise.reject(unwrapRefusal(err));

/** The unwrapping version of method `name`; `original()` finds the method it stands in for, at call time. */
function unwrapping(name: MethodName, original: () => Method): Method {
  switch (name) {
    case 'then':
      return function then(this: unknown, onfulfilled?: unknown, onrejected?: unknown) {
        return original().call(this, onfulfilled, (err: unknown) => {
          const unwrapped = unwrapRefusal(err);
          if (onrejected) return (onrejected as (e: unknown) => unknown)(unwrapped);
          throw unwrapped;
        });
      };
    case 'catch':
      return function (this: unknown, onrejected?: unknown) {
        return (this as Thenable).then(undefined, onrejected as (e: unknown) => unknown);
      };
    case 'finally':
      return function (this: unknown, onfinally?: unknown) {
        return Promise.resolve(this as PromiseLike<unknown>).finally(onfinally as () => void);
      };
    case '_thenUnwrap':
      return function (this: unknown, ...args: unknown[]) {
        return unwrapRefusals(original().apply(this, args));
      };
    default:
      return function (this: unknown, ...args: unknown[]) {
        return (original().apply(this, args) as Promise<unknown>).then(undefined, rejectUnwrapped);
      };
  }
}

/**
 * Per prototype of the promises seen (the SDK's `APIPromise`), one derived prototype with the unwrapping methods:
 * a promise gets them by a prototype switch instead of six property definitions per call (about 1 µs).
 */
const unwrappingPrototypes = new WeakMap<object, object>();

function unwrappingPrototypeOf(proto: object): object {
  let derived = unwrappingPrototypes.get(proto);
  if (derived === undefined) {
    const methods: PropertyDescriptorMap = {};
    for (const name of METHODS) {
      // `then`, `catch` and `finally` always (as before on a bare thenable); the SDK's own methods where they exist.
      if (
        name === 'then' ||
        name === 'catch' ||
        name === 'finally' ||
        typeof Reflect.get(proto, name) === 'function'
      ) {
        methods[name] = {
          configurable: true,
          writable: true,
          value: unwrapping(name, () => Reflect.get(proto, name) as Method),
        };
      }
    }
    derived = Object.create(proto, methods) as object;
    unwrappingPrototypes.set(proto, derived);
  }
  return derived;
}

/**
 * Makes a promise returned by an SDK method (an `APIPromise`: a Promise with `withResponse()`,
 * `asResponse()`, `_thenUnwrap()`) reject with our refusals unwrapped, keeping its type and methods. Its
 * prototype becomes one derived from its own (shared, made once), which overrides those methods; a method the
 * instance holds itself (an instrumentation wraps `asResponse()` on the instance) is overridden on the instance.
 */
export function unwrapRefusals<T>(promise: T): T {
  if (!promise || typeof (promise as Thenable).then !== 'function') return promise;
  const p = promise as unknown as Thenable;
  const proto = Object.getPrototypeOf(p) as object | null;
  if (proto !== null) Object.setPrototypeOf(p, unwrappingPrototypeOf(proto));
  for (const name of METHODS) {
    const own = Object.hasOwn(p, name) ? p[name] : undefined;
    // No prototype to derive from (a bare thenable): `catch` and `finally` are given on the instance.
    const bare = proto === null && (name === 'catch' || name === 'finally');
    if (typeof own !== 'function' && !bare) continue;
    const value = unwrapping(name, () => own as Method);
    // An instrumentation's own method is a plain writable property: assigned, without a slower redefinition.
    if (typeof own === 'function' && Object.getOwnPropertyDescriptor(p, name)?.writable === true) {
      (p as Record<string, unknown>)[name] = value;
    } else Object.defineProperty(p, name, { configurable: true, writable: true, value });
  }
  return promise;
}
