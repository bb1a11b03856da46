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
 *
 * The wrappers are the module's own functions bound to one {@link Observation} per promise, not closures made per
 * call. A closure added as a property to an object after its construction makes V8 keep what the closure captures
 * alive through young-generation collections, into the old generation (its field type tracking: the effect is gone
 * with `--no-track-field-types`); a bound function or a plain object in that property does not. Measured in-process
 * with openai 6 and no-op providers: 517 KB promoted per scavenge with closures, 51 KB bound (the raw SDK: 1 KB);
 * with the SDK's providers, about 6 µs less CPU per call at steady state (bench/src/layers.ts).
 */
export function observeApiPromise(
  promise: ApiPromiseLike,
  call: GenAICall,
  state: ConsumerState = { parsed: false, headers: undefined },
): void {
  const observation = new Observation(promise, call, state);
  promise.parseResponse = observedParseResponse.bind(observation);
  promise.parse = observedParse.bind(observation);
  if (observation.asResponse !== undefined) promise.asResponse = observedAsResponse.bind(observation);
  if (observation.thenUnwrap !== undefined) promise._thenUnwrap = observedThenUnwrap.bind(observation);
}

/** One observed APIPromise: its original members, the call, and what its consumers share. */
class Observation {
  readonly parseResponse: AnyFunction;
  readonly parse: AnyFunction;
  readonly asResponse: AnyFunction | undefined;
  readonly thenUnwrap: AnyFunction | undefined;
  /** The last promise `parse()` returned, and the observed one handed out for it. */
  parsed: unknown = undefined;
  observed: unknown = undefined;

  constructor(
    readonly promise: ApiPromiseLike,
    readonly call: GenAICall,
    readonly state: ConsumerState,
  ) {
    this.parseResponse = promise.parseResponse;
    this.parse = promise.parse;
    this.asResponse = typeof promise.asResponse === 'function' ? promise.asResponse : undefined;
    this.thenUnwrap = typeof promise._thenUnwrap === 'function' ? promise._thenUnwrap : undefined;
  }

  /** The parsed result reaches the call, which returns it as is. */
  onParsed(result: unknown): unknown {
    return this.call.onResult(result, this.state.headers);
  }

  /** A failed request or parse ends the call; the caller still gets the SDK's error. */
  onFailed(err: unknown): never {
    this.call.fail(err);
    throw err;
  }

  /** The raw response arrived; when the caller never parsed, the body is theirs and the call ends here. */
  onRawResponse(response: unknown, raw: boolean): unknown {
    if (raw) this.call.rawResponseTaken();
    return response;
  }
}

// The SDKs call `this.parseResponse(client, props)` on the promise, except openai 4 (`then(this.parseResponse)`,
// unbound): the original gets the promise as `this` either way (the SDKs' parsers do not use it).
function observedParseResponse(this: Observation, ...args: unknown[]): unknown {
  this.state.headers = responseHeaders(args);
  return this.parseResponse.apply(this.promise, args);
}

function observedParse(this: Observation, ...args: unknown[]): unknown {
  this.state.parsed = true;
  const next = this.parse.apply(this.promise, args);
  if (next !== this.parsed) {
    this.parsed = next;
    this.observed = (next as Promise<unknown>).then(
      Observation.prototype.onParsed.bind(this),
      Observation.prototype.onFailed.bind(this),
    );
  }
  return this.observed;
}

function observedAsResponse(this: Observation, ...args: unknown[]): unknown {
  // withResponse() calls parse() first: only a caller that never parses owns the body.
  const raw = !this.state.parsed;
  return (this.asResponse!.apply(this.promise, args) as Promise<unknown>).then(
    (response) => this.onRawResponse(response, raw),
    Observation.prototype.onFailed.bind(this),
  );
}

function observedThenUnwrap(this: Observation, ...args: unknown[]): unknown {
  const derived = this.thenUnwrap!.apply(this.promise, args);
  try {
    if (isApiPromise(derived)) observeApiPromise(derived, this.call, this.state);
  } catch {
    // Unobserved derived promise: the call still ends through the original one, if read.
  }
  return derived;
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
