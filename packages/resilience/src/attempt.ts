import { type MessagesOpening, readMessagesOpening } from './anthropic-stream.js';
import { AttemptFailure } from './attempt-failure.js';
import { AttemptSignal } from './attempt-signal.js';
import { bufferedResponse } from './buffered-response.js';
import type { CallAttributes } from './call.js';
import type { CallSignal } from './call-signal.js';
import { ATTEMPT_TIMEOUT, CONNECTION_ERROR, classifyResponse, errorBody } from './classify.js';
import { Deadlines } from './deadlines.js';
import { AttemptTimeoutError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { Held } from './policies/bulkhead.js';
import { rebuild } from './rebuilt-response.js';
import type { ApiKind, RequestInfo } from './request-info.js';
import { retryAfterMs } from './retry-after.js';
import { guardStream } from './stream-guard.js';
import { TAIL_CHARS } from './usage.js';

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
  messages: ['event: message_stop', '"type":"message_stop"', '"type": "message_stop"'],
  other: undefined,
};

/**
 * The bytes at the end of a stream its final event lies in, per API: chat's `[DONE]` and Messages' `message_stop`
 * end the stream, and at most a usage chunk or a relay's filter results follow a finish reason. A Responses stream's
 * final event carries the whole response: its start may lie megabytes before the end, so every chunk is searched.
 */
const FINAL_EVENT_WITHIN: Record<ApiKind, number | undefined> = {
  chat: 8192,
  responses: undefined,
  messages: 8192,
  other: undefined,
};

/** The SDK's own header for the attempt number; the HTTP attempt span can read `http.request.resend_count` from it. */
export const RETRY_COUNT_HEADER = 'x-stainless-retry-count';

const DONE: Promise<void> = Promise.resolve();

/** What the policies learn from an attempt's response. */
export interface AttemptObservers {
  /** Every response (success or error), with the Retry-After of a rate-limited one. */
  readonly onResponse: (
    call: CallAttributes,
    response: Response,
    rateLimitedRetryAfterMs: number | undefined,
  ) => void;
  /** The last 16 KB of a successful body, when `wantsTail` (usage is read from it). */
  readonly onTail: ((call: CallAttributes, info: RequestInfo, tail: string) => void) | undefined;
  readonly onTruncated: (call: CallAttributes, expected: string) => void;
}

/** One HTTP attempt under its time limits: the response handed over (a JSON body complete, a stream with its first chunk in). */
export type Attempt = (
  info: RequestInfo,
  init: RequestInit,
  body: RequestInit['body'],
  call: CallAttributes,
  attemptNo: number,
  caller: CallSignal,
) => Promise<Held<Response>>;

/** The per-attempt timeout policy around the real fetch (looked up at call time, so HTTP instrumentation sees it). */
export function createAttempt(
  options: ResolvedOptions,
  realFetch: () => Fetch,
  observers: AttemptObservers,
): Attempt {
  const countRateLimits = options.circuitBreaker?.countRateLimits ?? false;
  const { onTail } = observers;
  const deadlines = new Deadlines();

  return async function attempt(info, init, body, call, attemptNo, caller) {
    const callSignal = caller.signal;
    const headers = attemptHeaders(init.headers, attemptNo);
    const firstChunkMs = info.stream ? options.timeout.firstChunkMs : undefined;
    const limits = new AttemptSignal(caller, options.timeout.attemptMs, firstChunkMs, deadlines);
    const signal = limits.signal;
    // A body handed over still reading (a stream) keeps the caller's abort linked until it is done.
    let linkedToBody = false;

    try {
      let response: Response;
      try {
        response = await realFetch()(info.url, { ...init, body, headers, signal });
      } catch (err) {
        throw failed(err, callSignal, limits, firstChunkMs, options.timeout.attemptMs);
      }

      if (!response.ok) {
        let text: string;
        try {
          text = await response.text();
        } catch (err) {
          throw failed(err, callSignal, limits, firstChunkMs, options.timeout.attemptMs);
        }
        const classification = classifyResponse(
          response.status,
          response.headers,
          errorBody(text),
          countRateLimits,
        );
        const wait = retryAfterMs(response.headers);
        observers.onResponse(
          call,
          response,
          classification.reason === '429' && classification.retryable ? wait : undefined,
        );
        throw new AttemptFailure(classification, {
          response: {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
            text,
          },
          retryAfterMs: wait,
        });
      }
      observers.onResponse(call, response, undefined);

      const type = response.headers.get('content-type') ?? '';
      const reader = response.body?.getReader();
      if (!reader) return { value: response, done: DONE };

      if (type.includes('text/event-stream')) {
        let first: ReadResult;
        try {
          first = await reader.read();
        } catch (err) {
          throw failed(err, callSignal, limits, firstChunkMs, options.timeout.attemptMs);
        }
        // Nothing reached the caller yet: an empty stream is retried like a dropped connection.
        if (first.done)
          throw new AttemptFailure(CONNECTION_ERROR, {
            cause: new Error('stream ended before its first chunk'),
          });
        let head = first.value;
        if (info.api === 'messages') {
          let opening: MessagesOpening;
          try {
            opening = await readMessagesOpening(reader, head);
          } catch (err) {
            throw failed(err, callSignal, limits, firstChunkMs, options.timeout.attemptMs);
          }
          // An error event before any content: nothing reached the caller, so the attempt failed like a 529.
          if (opening.failure) {
            const { status, statusText, headers } = response;
            throw new AttemptFailure(opening.failure, {
              response: { status, statusText, headers, text: opening.text },
            });
          }
          head = opening.head;
        }
        let release!: () => void;
        const done = new Promise<void>((resolve) => {
          release = resolve;
        });
        const stream = guardStream(reader, head, {
          idleMs: options.timeout.idleMs,
          finalEvents: FINAL_EVENTS[info.api],
          finalEventWithin: FINAL_EVENT_WITHIN[info.api],
          keepTail: onTail !== undefined,
          signal: callSignal,
          onTruncated: (expected) => observers.onTruncated(call, expected),
          onDone: (tail) => {
            limits.unlink();
            if (tail !== undefined) onTail?.(call, info, tail);
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
          throw failed(err, callSignal, limits, firstChunkMs, options.timeout.attemptMs);
        }
        if (onTail) {
          onTail(
            call,
            info,
            new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - TAIL_CHARS))),
          );
        }
        return { value: bufferedResponse(bytes, response), done: DONE };
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
  };
}

/** What a failed fetch or read throws: the caller's abort reason, a time limit that ran out, or a connection error. */
function failed(
  err: unknown,
  callSignal: AbortSignal,
  limits: AttemptSignal,
  firstChunkMs: number | undefined,
  attemptMs: number | undefined,
): unknown {
  if (callSignal.aborted) return callSignal.reason;
  if (limits.expired === 'firstChunk') {
    return new AttemptFailure(ATTEMPT_TIMEOUT, {
      cause: new AttemptTimeoutError('time to first chunk (timeout.firstChunkMs)', firstChunkMs!),
    });
  }
  if (limits.expired === 'attempt') {
    return new AttemptFailure(ATTEMPT_TIMEOUT, {
      cause: new AttemptTimeoutError('the attempt (timeout.attemptMs)', attemptMs!),
    });
  }
  return new AttemptFailure(CONNECTION_ERROR, { cause: err });
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
