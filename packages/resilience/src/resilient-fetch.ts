import { trace } from '@opentelemetry/api';
import type { RetryPolicy } from 'cockatiel';
import { sleep } from './abort.js';
import { AttemptFailure } from './attempt-failure.js';
import { AttemptSignal } from './attempt-signal.js';
import { Budget } from './budget.js';
import { ATTEMPT_TIMEOUT, CONNECTION_ERROR, classifyResponse, errorBody } from './classify.js';
import { AttemptTimeoutError, RetryAfterTooLongError } from './errors.js';
import { fallbackReason, withModel } from './fallback.js';
import type { ResolvedOptions } from './options.js';
import { Bulkhead, type Held } from './policies/bulkhead.js';
import { Breakers } from './policies/circuit-breaker.js';
import { backoffDelayMs, retryPolicy } from './policies/retry.js';
import { type ApiKind, callParams, type RequestInfo, requestInfo } from './request-info.js';
import { retryAfterMs } from './retry-after.js';
import { guardStream } from './stream-guard.js';
import { type CallAttributes, telemetry } from './telemetry.js';
import { TAIL_CHARS, usageFromTail } from './usage.js';

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/** The `fetch` signature the SDK calls. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Final events per API: a stream that ends without one of them is truncated. For chat completions a finish
 * reason also counts (a non-null `finish_reason` is a string), for relays that omit `data: [DONE]`.
 */
const FINAL_EVENTS: Record<ApiKind, readonly string[] | undefined> = {
  chat: ['data: [DONE]', '"finish_reason":"', '"finish_reason": "'],
  responses: [
    '"type":"response.completed"',
    '"type":"response.incomplete"',
    '"type":"response.failed"',
    '"type": "response.completed"',
    '"type": "response.incomplete"',
    '"type": "response.failed"',
  ],
  other: undefined,
};

/** The SDK's own header for the attempt number; the HTTP attempt span can read `http.request.resend_count` from it. */
export const RETRY_COUNT_HEADER = 'x-stainless-retry-count';
/** Set on a response that came from a fallback model: the model originally requested. */
export const FALLBACK_FROM_HEADER = 'x-aiotel-fallback-from';

const DONE: Promise<void> = Promise.resolve();

/**
 * The fetch a resilient client runs with: budget check → bulkhead → fallback over models → retry →
 * circuit breaker → per-attempt timeout → the real fetch (looked up at call time, so HTTP instrumentation
 * sees every attempt).
 */
export function createResilientFetch(options: ResolvedOptions, realFetch: () => Fetch): Fetch {
  const breakers = options.circuitBreaker ? new Breakers(options.circuitBreaker) : undefined;
  const bulkhead = options.bulkhead ? new Bulkhead(options.bulkhead) : undefined;
  const budget = options.budget ? new Budget(options.budget, options.pricer) : undefined;
  const retry: RetryPolicy | undefined = options.retry ? retryPolicy(options.retry) : undefined;
  const countRateLimits = options.circuitBreaker?.countRateLimits ?? false;
  // A fallback rewrites the JSON body's model, so the body is parsed only when there is one.
  const parseBodies = options.fallbackModels.length > 0;
  const keyOf = (server: string, model: string | undefined) =>
    options.circuitBreaker ? options.circuitBreaker.key({ server, model }) : `${server}/${model ?? ''}`;

  /** One HTTP attempt: the response handed over (a JSON body complete, a stream with its first chunk in). */
  async function attempt(
    info: RequestInfo,
    init: RequestInit,
    body: RequestInit['body'],
    call: CallAttributes,
    attemptNo: number,
    callSignal: AbortSignal,
  ): Promise<Held<Response>> {
    const model = call.model;
    const headers = attemptHeaders(init.headers, attemptNo);
    const firstChunkMs = info.stream ? options.timeout.firstChunkMs : undefined;
    const limits = new AttemptSignal(callSignal, options.timeout.attemptMs, firstChunkMs);
    const signal = limits.signal;
    // A body handed over still reading (a stream) keeps the caller's abort linked until it is done.
    let linkedToBody = false;

    const failed = (err: unknown): unknown => {
      if (callSignal.aborted) return callSignal.reason;
      if (limits.expired === 'firstChunk') {
        return new AttemptFailure(ATTEMPT_TIMEOUT, {
          cause: new AttemptTimeoutError('time to first chunk (timeout.firstChunkMs)', firstChunkMs!),
        });
      }
      if (limits.expired === 'attempt') {
        return new AttemptFailure(ATTEMPT_TIMEOUT, {
          cause: new AttemptTimeoutError('the attempt (timeout.attemptMs)', options.timeout.attemptMs!),
        });
      }
      return new AttemptFailure(CONNECTION_ERROR, { cause: err });
    };

    try {
      let response: Response;
      try {
        response = await realFetch()(info.url, { ...init, body, headers, signal });
      } catch (err) {
        throw failed(err);
      }

      if (!response.ok) {
        let text: string;
        try {
          text = await response.text();
        } catch (err) {
          throw failed(err);
        }
        throw new AttemptFailure(
          classifyResponse(response.status, response.headers, errorBody(text), countRateLimits),
          {
            response: {
              status: response.status,
              statusText: response.statusText,
              headers: response.headers,
              text,
            },
            retryAfterMs: retryAfterMs(response.headers),
          },
        );
      }

      const type = response.headers.get('content-type') ?? '';
      const reader = response.body?.getReader();
      if (!reader) return { value: response, done: DONE };

      if (type.includes('text/event-stream')) {
        let first: ReadResult;
        try {
          first = await reader.read();
        } catch (err) {
          throw failed(err);
        }
        // Nothing reached the caller yet: an empty stream is retried like a dropped connection.
        if (first.done)
          throw new AttemptFailure(CONNECTION_ERROR, {
            cause: new Error('stream ended before its first chunk'),
          });
        let release!: () => void;
        const done = new Promise<void>((resolve) => {
          release = resolve;
        });
        const stream = guardStream(reader, first.value, {
          idleMs: options.timeout.idleMs,
          finalEvents: FINAL_EVENTS[info.api],
          keepTail: budget !== undefined,
          signal: callSignal,
          onTruncated: (expected) => telemetry.streamTruncated(call.span, expected),
          onDone: (tail) => {
            limits.unlink();
            if (tail !== undefined && model !== undefined) recordSpend(tail, model, info.origin);
            release();
          },
        });
        linkedToBody = true;
        return { value: rebuild(response, stream), done };
      }

      if (type.includes('json')) {
        // Read inside the attempt: a body cut halfway is retried, nothing having reached the caller.
        let bytes: Uint8Array;
        try {
          const chunks: Uint8Array[] = [];
          for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
          bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        } catch (err) {
          throw failed(err);
        }
        if (budget && model !== undefined) {
          const tail = new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - TAIL_CHARS)));
          recordSpend(tail, model, info.origin);
        }
        return { value: rebuild(response, bytes), done: DONE };
      }

      // Other bodies (audio, files) pass through; the slot is held until they are read.
      let release!: () => void;
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      const stream = guardStream(reader, undefined, {
        idleMs: options.timeout.idleMs,
        finalEvents: undefined,
        keepTail: false,
        signal: callSignal,
        onTruncated: () => undefined,
        onDone: () => {
          limits.unlink();
          release();
        },
      });
      linkedToBody = true;
      return { value: rebuild(response, stream), done };
    } finally {
      limits.stopTimers();
      if (!linkedToBody) limits.unlink();
    }
  }

  function recordSpend(tail: string, model: string, origin: string): void {
    try {
      const usage = usageFromTail(tail);
      if (usage !== undefined) budget?.record(usage, model, origin);
    } catch {
      // Pricing trouble must never fail a call that already succeeded.
    }
  }

  /** Retry → breaker → timeout → attempt, for one model. */
  async function runModel(
    info: RequestInfo,
    init: RequestInit,
    body: RequestInit['body'],
    call: CallAttributes,
    callSignal: AbortSignal,
  ): Promise<Held<Response>> {
    const breaker = breakers?.get(call);
    const maxRetries = options.retry?.maxRetries ?? 0;
    let last: AttemptFailure | undefined;

    const once = async (attemptNo: number): Promise<Held<Response>> => {
      if (attemptNo > 0 && last && options.retry) {
        const delay = last.retryAfterMs ?? backoffDelayMs(attemptNo, options.retry);
        telemetry.retry(call, attemptNo, last.classification.reason, delay);
        await sleep(delay, callSignal);
      }
      const timed = (): Promise<Held<Response>> => attempt(info, init, body, call, attemptNo, callSignal);
      try {
        return breaker ? await breaker.execute(timed, callSignal) : await timed();
      } catch (err) {
        if (err instanceof AttemptFailure) {
          last = err;
          const wait = err.retryAfterMs;
          if (
            options.retry &&
            err.classification.retryable &&
            attemptNo < maxRetries &&
            wait !== undefined &&
            wait > options.retry.maxRetryAfterMs
          ) {
            const message = err.response && errorBody(err.response.text)?.message;
            throw new RetryAfterTooLongError(
              wait,
              options.retry.maxRetryAfterMs,
              err.response?.status ?? 0,
              typeof message === 'string' ? message : undefined,
            );
          }
        }
        throw err;
      }
    };

    // A streamed upload can be read once: like the SDK, never send it again.
    return retry && !isStreamBody(body) ? retry.execute(({ attempt: n }) => once(n), callSignal) : once(0);
  }

  /** Fallback over `[requested model, ...fallback.models]`. */
  async function runCall(
    info: RequestInfo,
    init: RequestInit,
    span: CallAttributes['span'],
    callSignal: AbortSignal,
  ): Promise<Held<Response>> {
    const models: (string | undefined)[] =
      info.json && info.model !== undefined && options.fallbackModels.length > 0
        ? [info.model, ...options.fallbackModels.filter((m) => m !== info.model)]
        : [info.model];
    let previous: CallAttributes | undefined;
    let reason = '';
    for (let i = 0; ; i++) {
      const model = models[i];
      const call: CallAttributes = {
        span,
        server: info.server,
        serverAttributes: info.serverAttributes,
        model,
        key: keyOf(info.server, model),
      };
      if (previous && model !== undefined) telemetry.fallback(previous, model, reason);
      const body = i === 0 || model === undefined ? init.body : withModel(info.json!, model);
      try {
        const held = await runModel(info, init, body, call, callSignal);
        if (i === 0) return held;
        const headers = new Headers(held.value.headers);
        headers.set(FALLBACK_FROM_HEADER, info.model ?? '');
        return { value: rebuild(held.value, held.value.body, headers), done: held.done };
      } catch (err) {
        const next = fallbackReason(err);
        if (next !== undefined && i + 1 < models.length && !callSignal.aborted) {
          previous = call;
          reason = next;
          continue;
        }
        if (err instanceof AttemptFailure) return { value: err.toResult(), done: DONE };
        throw err;
      }
    }
  }

  return async function resilientFetch(input, init = {}) {
    const info = requestInfo(input, init.body, callParams.getStore(), parseBodies);
    const span = trace.getActiveSpan();
    const call: CallAttributes = {
      span,
      server: info.server,
      serverAttributes: info.serverAttributes,
      model: info.model,
      key: keyOf(info.server, info.model),
    };

    const totalMs = options.timeout.totalMs;
    const total = totalMs === undefined ? undefined : new AbortController();
    const totalTimer =
      total &&
      setTimeout(
        () => total.abort(new AttemptTimeoutError('the whole call (timeout.totalMs)', totalMs!)),
        totalMs,
      );
    const signals: AbortSignal[] = [];
    if (init.signal) signals.push(init.signal);
    if (total) signals.push(total.signal);
    const callSignal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);

    try {
      callSignal.throwIfAborted();
      budget?.check(call);
      const work = (): Promise<Held<Response>> =>
        runCall(info, init, span, callSignal).then((held) => {
          // The caller gave up while this was in flight: free the slot instead of holding it for nobody.
          if (callSignal.aborted) held.value.body?.cancel().catch(() => undefined);
          return held;
        });
      const response = bulkhead ? bulkhead.run(call, callSignal, work) : work().then((held) => held.value);
      return await abortable(response, callSignal);
    } finally {
      clearTimeout(totalTimer);
    }
  };
}

/**
 * The request headers of attempt `attemptNo`, with the SDK's retry-count header set to it. The SDK already sends
 * `0` on its (only) attempt, so the first attempt reuses its headers without a copy.
 */
function attemptHeaders(given: RequestInit['headers'], attemptNo: number): Headers {
  if (given instanceof Headers && given.get(RETRY_COUNT_HEADER) === String(attemptNo)) return given;
  const headers = new Headers(given);
  headers.set(RETRY_COUNT_HEADER, String(attemptNo));
  return headers;
}

/** A request body that is a one-shot stream (an upload), as opposed to a string, bytes or form data. */
function isStreamBody(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body instanceof ReadableStream || Symbol.asyncIterator in body)
  );
}

/** The same response with another body (and headers); the status and headers the SDK reads are kept. */
function rebuild(
  response: Response,
  body: ConstructorParameters<typeof Response>[0],
  headers: Headers = response.headers,
): Response {
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Rejects as soon as the signal aborts; a response that arrives afterwards is cancelled. */
function abortable(work: Promise<Response>, signal: AbortSignal): Promise<Response> {
  if (signal.aborted) {
    work.then(
      (r) => r.body?.cancel().catch(() => undefined),
      () => undefined,
    );
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      work.then(
        (r) => r.body?.cancel().catch(() => undefined),
        () => undefined,
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
