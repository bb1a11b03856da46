import { type Context, context, type DiagLogger } from '@opentelemetry/api';
import { isApiPromise, observeApiPromise } from './api-promise.js';
import type { GenAICall } from './call.js';
import { observeStream } from './stream.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** What the promise and stream observers call on a call; each SDK's call class implements it. */
export type ObservedCall = Pick<
  GenAICall,
  'onResult' | 'fail' | 'rawResponseTaken' | 'readChunk' | 'streamEnded' | 'streamClosed'
>;

/** A call as the patched `create` runs it: observed, with the context its span is active in. */
export interface StartedCall extends ObservedCall {
  readonly context: Context;
  /** The parameters to send, when the call changed them (a copy: the caller's object is never touched). */
  readonly params?: Record<string, unknown>;
}

/** How one SDK's patched `create` starts calls and reports problems. */
export interface CreatePatch {
  /** The SDK's name for diag messages, e.g. `@anthropic-ai/sdk`. */
  readonly sdk: string;
  readonly diag: DiagLogger;
  isEnabled(): boolean;
  /** Start the call of `create(params)` on a resource whose client is `client`. */
  startCall(params: Record<string, unknown>, client: unknown): StartedCall;
  /** Warn once per key. */
  warnOnce(key: string, message: string): void;
}

/**
 * Observe a generated SDK's (Stainless) `APIPromise` in place: parsed result, failure, raw
 * response and derived promises all reach `call`. Returns false when `result` is not such a promise.
 */
export function observeSdkPromise(result: unknown, call: ObservedCall): boolean {
  if (!isApiPromise(result)) return false;
  // The observers use only ObservedCall's methods; their signatures still name GenAICall.
  observeApiPromise(result, call as GenAICall);
  return true;
}

/** Observe a generated SDK's `Stream` in place: every way of reading it passes chunks through `call`. */
export function observeSdkStream(
  stream: { iterator: (...args: unknown[]) => AsyncIterator<unknown> },
  call: ObservedCall,
): void {
  observeStream(stream, call as GenAICall);
}

/**
 * The patched `create` of a Stainless-generated SDK resource: starts the call (never failing the user's call when
 * telemetry fails), runs the SDK in the call's context, and observes the promise it returns in place.
 */
export function patchedSdkCreate(original: AnyFunction, patch: CreatePatch): AnyFunction {
  return function create(this: { _client?: unknown } | undefined, ...args: unknown[]) {
    const params = args[0];
    if (typeof params !== 'object' || params === null || !patch.isEnabled())
      return original.apply(this, args);
    let call: StartedCall;
    try {
      call = patch.startCall(params as Record<string, unknown>, this?._client);
    } catch (err) {
      patch.diag.error(`starting a span for an ${patch.sdk} call failed`, err);
      return original.apply(this, args);
    }
    const sentArgs =
      call.params === undefined || call.params === params ? args : [call.params, ...args.slice(1)];
    let result: unknown;
    try {
      result = context.with(call.context, () => original.apply(this, sentArgs));
    } catch (err) {
      call.fail(err);
      throw err;
    }
    try {
      if (!observeSdkPromise(result, call)) observeUnknownResult(result, call, patch);
    } catch (err) {
      patch.diag.error(`observing an ${patch.sdk} call failed`, err);
    }
    return result;
  };
}

// Not the APIPromise we know (a future SDK?): still end the span, from the plain promise.
function observeUnknownResult(result: unknown, call: ObservedCall, patch: CreatePatch): void {
  patch.warnOnce('shape', `${patch.sdk} returned an unknown promise type; spans may lack details`);
  if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
    (result as Promise<unknown>).then(
      (value) => call.onResult(value),
      (err: unknown) => call.fail(err),
    );
  } else {
    call.onResult(result);
  }
}
