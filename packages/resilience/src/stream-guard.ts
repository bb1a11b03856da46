import { isAbortError } from './abort.js';
import { StreamInterruptedError, StreamTruncatedError } from './errors.js';
import { FinalEventScan } from './final-event-scan.js';
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
 * is looked for on the bytes ({@link FinalEventScan}); only a kept tail is decoded.
 */
export function guardStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array | undefined,
  options: StreamGuardOptions,
): ReadableStream<Uint8Array> {
  const finalEvents = options.finalEvents;
  const keepTail = options.keepTail;
  const idleMs = options.idleMs;
  const scan = finalEvents && new FinalEventScan(finalEvents);
  const decoder = keepTail ? new TextDecoder() : undefined;
  let tail = '';
  let sawFinal = finalEvents === undefined;
  let finished = false;
  /** `performance.now()` when the pending read started; -1 while no read is pending. */
  let readStartedAt = -1;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let idleError: StreamInterruptedError | undefined;

  const observe = (chunk: Uint8Array) => {
    if (!sawFinal && scan!.found(chunk)) sawFinal = true;
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

  // The read handlers are made once per stream: `pull` is not an async function, so a chunk costs the source's
  // read promise and nothing more.
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onRead = (result: ReadResult): void => {
    readStartedAt = -1;
    if (idleError !== undefined) {
      finish();
      controller.error(idleError);
      return;
    }
    if (result.done) {
      if (!sawFinal && finalEvents) {
        const expected = finalEvents.join(' or ');
        options.onTruncated(expected);
        finish();
        controller.error(new StreamTruncatedError(expected));
        return;
      }
      finish();
      controller.close();
      return;
    }
    observe(result.value);
    controller.enqueue(result.value);
  };
  const onReadFailed = (err: unknown): void => {
    readStartedAt = -1;
    let error = idleError ?? err;
    if (idleError === undefined && !options.signal.aborted && !isAbortError(err)) {
      // undici's raw `TypeError: terminated` (socket reset mid-stream) becomes a typed error.
      error = new StreamInterruptedError('connection_lost', String((err as Error)?.message ?? err), {
        cause: err,
      });
    }
    finish();
    controller.error(error);
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (first) {
        observe(first);
        c.enqueue(first);
      }
    },
    pull() {
      if (idleMs !== undefined) {
        readStartedAt = performance.now();
        idleTimer ??= setTimeout(onIdle, idleMs);
      }
      return reader.read().then(onRead, onReadFailed);
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason).catch(() => undefined);
    },
  });
}
