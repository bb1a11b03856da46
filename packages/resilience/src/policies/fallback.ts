import { AttemptFailure } from '../attempt-failure.js';
import type { CallAttributes } from '../call.js';
import type { CallSignal } from '../call-signal.js';
import { isCircuitOpenError, isRetryAfterTooLongError } from '../errors.js';
import type { PolicyEvents } from '../events.js';
import type { RequestInfo } from '../request-info.js';
import type { Held } from './bulkhead.js';

/** Set on a response that came from a fallback model: the model originally requested. */
export const FALLBACK_FROM_HEADER = 'x-aiotel-fallback-from';

const DONE: Promise<void> = Promise.resolve();

/**
 * Why the next fallback model should be tried after this outcome of the current one, or `undefined` when the
 * error is the caller's to see (a bad request stays a bad request on any model).
 */
export function fallbackReason(err: unknown): string | undefined {
  if (isCircuitOpenError(err)) return 'circuit_open';
  if (isRetryAfterTooLongError(err)) return 'rate_limited';
  if (err instanceof AttemptFailure && err.classification.overloaded) {
    return err.classification.reason === '429' ? 'rate_limited' : 'overloaded';
  }
  return undefined;
}

/** The JSON request body with another model. */
export function withModel(json: Record<string, unknown>, model: string): string {
  return JSON.stringify({ ...json, model });
}

/** What a client's fallback needs besides the call: made once per client. */
export interface FallbackContext {
  /** The fallback models, in order. */
  readonly models: readonly string[];
  readonly events: PolicyEvents;
  /** The call's attributes for another model. */
  readonly callOf: (
    span: CallAttributes['span'],
    info: RequestInfo,
    model: string | undefined,
  ) => CallAttributes;
  /** Runs the call on one model (retry, breaker, attempt). */
  readonly runModel: (
    info: RequestInfo,
    init: RequestInit,
    caller: CallSignal,
    call: CallAttributes,
    body: RequestInit['body'],
  ) => Promise<Held<Response>>;
  readonly rebuild: (response: Response, body: Response['body'], headers: Headers) => Response;
}

/**
 * Runs the call on `[requested model, ...models]` in turn while the outcome is one a fallback helps with (an open
 * breaker, exhausted retries on 429 / 503 / 529). The last failure of an HTTP attempt becomes the provider's
 * response again, for the SDK to raise its own error.
 */
export function runWithFallback(
  fallback: FallbackContext,
  info: RequestInfo,
  init: RequestInit,
  first: CallAttributes,
  caller: CallSignal,
): Promise<Held<Response>> {
  const models = fallback.models;
  // One model to try (no fallback, or a body without a model): its outcome is the call's.
  if (!(info.json && info.model !== undefined && models.length > 0)) {
    return fallback.runModel(info, init, caller, first, init.body).catch(asResult);
  }
  const tried = [info.model, ...models.filter((m) => m !== info.model)];
  return tryInTurn(fallback, tried, info, init, first, caller);
}

/** The last failure of an HTTP attempt as the provider's response again; any other error is thrown. */
function asResult(err: unknown): Held<Response> {
  if (err instanceof AttemptFailure) return { value: err.toResult(), done: DONE };
  throw err;
}

async function tryInTurn(
  { events, callOf, runModel, rebuild }: FallbackContext,
  tried: readonly (string | undefined)[],
  info: RequestInfo,
  init: RequestInit,
  first: CallAttributes,
  caller: CallSignal,
): Promise<Held<Response>> {
  let previous: CallAttributes | undefined;
  let reason = '';
  for (let i = 0; ; i++) {
    const model = tried[i];
    const call = i === 0 ? first : callOf(first.span, info, model);
    if (previous && model !== undefined) events.emit('fallback', previous, model, reason);
    const body = i === 0 || model === undefined ? init.body : withModel(info.json!, model);
    try {
      const held = await runModel(info, init, caller, call, body);
      if (i === 0) return held;
      const headers = new Headers(held.value.headers);
      headers.set(FALLBACK_FROM_HEADER, info.model ?? '');
      return { value: rebuild(held.value, held.value.body, headers), done: held.done };
    } catch (err) {
      const next = fallbackReason(err);
      if (next !== undefined && i + 1 < tried.length && !caller.signal.aborted) {
        previous = call;
        reason = next;
        continue;
      }
      return asResult(err);
    }
  }
}
