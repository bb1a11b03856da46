import { isAbortError } from './abort.js';
import { StreamInterruptedError, StreamTruncatedError } from './errors.js';
import { FinalEventScan } from './final-event-scan.js';
import { FinalEventTail } from './final-event-tail.js';
import { GuardedBody } from './guarded-body.js';
import { TAIL_CHARS } from './usage.js';

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/** How a stream is watched. */
export interface StreamGuardOptions {
  /** Longest silence between chunks, ms; `undefined`: none. */
  readonly idleMs: number | undefined;
  /**
   * Final events of this kind of stream (any one counts); a stream that ends without one is truncated.
   * `undefined`: not checked (an SSE endpoint we do not know, or a body that is not SSE).
   */
  readonly finalEvents: readonly string[] | undefined;
  /**
   * The final event is among the stream's last this many bytes (it is the last event, or followed by little):
   * only those are searched, once the stream ended ({@link FinalEventTail}). `undefined`: every chunk is searched
   * as it passes ({@link FinalEventScan}).
   */
  readonly finalEventWithin?: number | undefined;
  /** Keep the tail of the text (for usage). */
  readonly keepTail: boolean;
  /** The caller's signal: an abort is the caller's decision and passes through untouched. */
  readonly signal: AbortSignal;
  /** Called once when the body is done (ended, failed or cancelled), with the text tail if kept. */
  readonly onDone: (tail: string | undefined) => void;
  /** Called when the stream ended without a final event, before the caller sees the error. */
  readonly onTruncated: (expected: string) => void;
}

const STREAMING = { stream: true } as const;

/**
 * Wraps a response body that already delivered its first chunk: passes chunks through unchanged, bounds the
 * silence between them, turns a lost connection into `StreamInterruptedError`, an end without the final event
 * into `StreamTruncatedError`, and reports when the body is done so the bulkhead slot is freed.
 *
 * Per chunk it only notes the time a read starts (no timer, promise or closure per chunk): one idle timer per
 * stream checks, when it fires, how long the pending read has waited, and re-arms for the rest. The final event
 * is looked for on the bytes, chunk by chunk ({@link FinalEventScan}) or in the last ones at the end
 * ({@link FinalEventTail}); only a kept tail is decoded. The SDK's reads reach the
 * source directly ({@link GuardedBody}).
 */
export function guardStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array | undefined,
  options: StreamGuardOptions,
): ReadableStream<Uint8Array> {
  const finalEvents = options.finalEvents;
  const keepTail = options.keepTail;
  const idleMs = options.idleMs;
  const within = options.finalEventWithin;
  const scan = finalEvents && within === undefined ? new FinalEventScan(finalEvents) : undefined;
  const lastBytes = finalEvents && within !== undefined ? new FinalEventTail(finalEvents, within) : undefined;
  const decoder = keepTail ? new TextDecoder() : undefined;
  let tail = '';
  let sawFinal = finalEvents === undefined;
  let finished = false;
  /** `performance.now()` when the pending read started; -1 while no read is pending. */
  let readStartedAt = -1;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let idleError: StreamInterruptedError | undefined;

  const observe = (chunk: Uint8Array) => {
    if (lastBytes !== undefined) lastBytes.keep(chunk);
    else if (!sawFinal && scan!.found(chunk)) sawFinal = true;
    if (decoder) {
      tail += decoder.decode(chunk, STREAMING);
      if (tail.length > 2 * TAIL_CHARS) tail = tail.slice(-TAIL_CHARS);
    }
  };

  const finish = () => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (finished) return;
    finished = true;
    options.onDone(keepTail ? tail : undefined);
  };

  const onIdle = () => {
    idleTimer = undefined;
    // No read pending (the caller is busy between chunks): the next read arms the timer again.
    if (readStartedAt < 0 || idleMs === undefined) return;
    const waited = performance.now() - readStartedAt;
    if (waited < idleMs) {
      idleTimer = setTimeout(onIdle, idleMs - waited);
      return;
    }
    idleError = new StreamInterruptedError('idle_timeout', `no chunk for ${idleMs} ms (timeout.idleMs)`);
    // Cancelling settles the pending read (as done), where `pull` reports the idle error.
    reader.cancel(idleError).catch(() => undefined);
  };

  /** Takes a source read in (a chunk, or the end); throws the error the caller must get instead. */
  const settle = (result: ReadResult): void => {
    readStartedAt = -1;
    if (idleError !== undefined) {
      finish();
      throw idleError;
    }
    if (result.done) {
      // Not after a cancel: the caller stopped reading, the stream was not cut.
      if (!sawFinal && finalEvents && !finished && lastBytes?.found() !== true) {
        const expected = finalEvents.join(' or ');
        options.onTruncated(expected);
        finish();
        throw new StreamTruncatedError(expected);
      }
      finish();
      return;
    }
    observe(result.value);
  };
  /** A failed source read: the error the caller gets. */
  const failure = (err: unknown): unknown => {
    readStartedAt = -1;
    let error = idleError ?? err;
    if (idleError === undefined && !options.signal.aborted && !isAbortError(err)) {
      // undici's raw `TypeError: terminated` (socket reset mid-stream) becomes a typed error.
      error = new StreamInterruptedError('connection_lost', String((err as Error)?.message ?? err), {
        cause: err,
      });
    }
    finish();
    return error;
  };
  const readSource = (): Promise<ReadResult> => {
    if (idleMs !== undefined) {
      readStartedAt = performance.now();
      idleTimer ??= setTimeout(onIdle, idleMs);
    }
    return reader.read();
  };

  // Two ways to the caller, both with handlers made once per stream (no closure of ours per chunk): directly to a
  // reader of the stream (see GuardedBody), or through the stream's queue (`pull`: tee, pipeTo), which enqueues
  // what the direct way delivered.
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  /** Whether the stream still takes chunks (not closed, errored or cancelled). */
  let open = true;
  let pending = first;
  const close = (): void => {
    if (!open) return;
    open = false;
    controller.close();
  };
  const error = (err: unknown): void => {
    open = false;
    controller.error(err);
  };
  const deliver = (result: ReadResult): ReadResult => {
    try {
      settle(result);
    } catch (err) {
      error(err);
      throw err;
    }
    if (result.done) close();
    return result;
  };
  const deliverFailure = (err: unknown): never => {
    const reason = failure(err);
    error(reason);
    throw reason;
  };
  const enqueue = (result: ReadResult): void => {
    if (!result.done) controller.enqueue(result.value);
  };
  // The stream was already errored with it.
  const delivered = (): void => undefined;

  if (first) observe(first);
  return new GuardedBody(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (pending !== undefined) {
          controller.enqueue(pending);
          pending = undefined;
          return;
        }
        return readSource().then(deliver, deliverFailure).then(enqueue, delivered);
      },
      cancel(reason) {
        open = false;
        finish();
        return reader.cancel(reason).catch(() => undefined);
      },
    },
    () => {
      if (pending !== undefined) {
        const value = pending;
        pending = undefined;
        return Promise.resolve({ done: false, value });
      }
      return readSource().then(deliver, deliverFailure);
    },
  );
}
