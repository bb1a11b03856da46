import type { GenAICall, HeadersLike } from './call.js';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * The SDK's `APIPromise` (openai 4 to 7): a Promise subclass holding `responsePromise` (the HTTP
 * response, rejected with the SDK's error) and `parseResponse` (body → result), with `parse()` behind
 * `then`/`await`/`withResponse()`, `asResponse()` for the raw `Response`, and `_thenUnwrap()` that SDK
 * helpers (`parse()`, Responses' `output_text`) use to derive another APIPromise from it.
 */
interface ApiPromiseLike {
  responsePromise: Promise<unknown>;
  parseResponse: AnyFunction;
  parse: AnyFunction;
  asResponse?: AnyFunction;
  _thenUnwrap?: AnyFunction;
}

/** Whether `value` has the APIPromise shape this package knows how to observe. */
export function isApiPromise(value: unknown): value is ApiPromiseLike {
  const candidate = value as Partial<ApiPromiseLike> | null;
  return (
    typeof candidate?.parseResponse === 'function' &&
    typeof candidate.parse === 'function' &&
    typeof (candidate.responsePromise as Promise<unknown> | undefined)?.then === 'function'
  );
}

/**
 * Observes a call through its APIPromise in place, so the caller keeps the very object the SDK made
 * (with `withResponse()`, `asResponse()`, `_thenUnwrap()`…):
 * - `parse()` (behind `then`/`await`/`withResponse()`) is chained once: the parsed result (or stream) goes to the
 *   call and is returned as is, a failed request or parse ends the call with the SDK's error, and the promise
 *   keeps its identity across calls;
 * - `parseResponse` is wrapped, synchronously, only to keep the response headers (a relay's cost header);
 * - `asResponse()` alone (the caller owns the raw body) ends the call when the response arrives;
 * - promises derived with `_thenUnwrap()` are observed the same way: openai 7 derives them from the
 *   original request and parser (not from the fields above), and helpers such as
 *   `chat.completions.parse()` return only the derived promise.
 * Only what the caller consumes is chained, so no rejection appears that the SDK would not have had.
 */
export function observeApiPromise(
  promise: ApiPromiseLike,
  call: GenAICall,
  state: ConsumerState = { parsed: false, headers: undefined },
): void {
  const { parseResponse, parse, asResponse, _thenUnwrap: thenUnwrap } = promise;
  promise.parseResponse = function observedParseResponse(this: unknown, ...args: unknown[]) {
    state.headers = responseHeaders(args);
    return parseResponse.apply(this, args);
  };
  let parsed: unknown;
  let observed: unknown;
  promise.parse = function observedParse(this: unknown, ...args: unknown[]) {
    state.parsed = true;
    const next = parse.apply(this, args);
    if (next !== parsed) {
      parsed = next;
      observed = (next as Promise<unknown>).then(
        (result) => call.onResult(result, state.headers),
        (err: unknown) => {
          call.fail(err);
          throw err;
        },
      );
    }
    return observed;
  };
  if (typeof asResponse === 'function') {
    promise.asResponse = function observedAsResponse(this: unknown, ...args: unknown[]) {
      // withResponse() calls parse() first: only a caller that never parses owns the body.
      const raw = !state.parsed;
      return (asResponse.apply(this, args) as Promise<unknown>).then(
        (response) => {
          if (raw) call.rawResponseTaken();
          return response;
        },
        (err: unknown) => {
          call.fail(err);
          throw err;
        },
      );
    };
  }
  if (typeof thenUnwrap === 'function') {
    promise._thenUnwrap = function observedThenUnwrap(this: unknown, ...args: unknown[]) {
      const derived = thenUnwrap.apply(this, args);
      try {
        if (isApiPromise(derived)) observeApiPromise(derived, call, state);
      } catch {
        // Unobserved derived promise: the call still ends through the original one, if read.
      }
      return derived;
    };
  }
}

// parseResponse gets the response props last: `(props)` in openai 4, `(client, props)` from 5 on.
function responseHeaders(args: unknown[]): HeadersLike | undefined {
  const headers = (args.at(-1) as { response?: { headers?: HeadersLike } } | undefined)?.response?.headers;
  return typeof headers?.get === 'function' ? headers : undefined;
}

// Shared by an APIPromise and those derived from it by `_thenUnwrap()`, which read the same response.
interface ConsumerState {
  parsed: boolean;
  /** The response headers, once the SDK parses the response. */
  headers: HeadersLike | undefined;
}
