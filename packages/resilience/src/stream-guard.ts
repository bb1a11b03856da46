import { isAbortError } from './abort.js';
import { StreamInterruptedError, StreamTruncatedError } from './errors.js';
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

/** Characters kept from the previous chunk so a final event split across two chunks is still found. */
const EDGE_CHARS = 64;

/**
 * Wraps a response body that already delivered its first chunk: passes chunks through unchanged, bounds the
 * silence between them, turns a lost connection into `StreamInterruptedError`, an end without the final event
 * into `StreamTruncatedError`, and reports when the body is done so the bulkhead slot is freed.
 */
export function guardStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array | undefined,
  options: StreamGuardOptions,
): ReadableStream<Uint8Array> {
  const decoder = options.keepTail || options.finalEvents ? new TextDecoder() : undefined;
  let tail = '';
  let edge = '';
  let sawFinal = options.finalEvents === undefined;
  let finished = false;

  const observe = (chunk: Uint8Array) => {
    if (!decoder) return;
    const text = decoder.decode(chunk, { stream: true });
    if (!sawFinal) {
      const probe = edge + text;
      sawFinal = options.finalEvents!.some((e) => probe.includes(e));
      edge = probe.slice(-EDGE_CHARS);
    }
    if (options.keepTail) {
      tail += text;
      if (tail.length > 2 * TAIL_CHARS) tail = tail.slice(-TAIL_CHARS);
    }
  };

  const finish = () => {
    if (finished) return;
    finished = true;
    options.onDone(options.keepTail ? tail : undefined);
  };

  const read = (): Promise<ReadResult> => {
    const idleMs = options.idleMs;
    if (idleMs === undefined) return reader.read();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new StreamInterruptedError('idle_timeout', `no chunk for ${idleMs} ms (timeout.idleMs)`));
      }, idleMs);
      reader.read().then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (first) {
        observe(first);
        controller.enqueue(first);
      }
    },
    async pull(controller) {
      let result: ReadResult;
      try {
        result = await read();
      } catch (err) {
        let error = err;
        if (err instanceof StreamInterruptedError) {
          reader.cancel(err).catch(() => undefined);
        } else if (!options.signal.aborted && !isAbortError(err)) {
          // undici's raw `TypeError: terminated` (socket reset mid-stream) becomes a typed error.
          error = new StreamInterruptedError('connection_lost', String((err as Error)?.message ?? err), {
            cause: err,
          });
        }
        finish();
        controller.error(error);
        return;
      }
      if (result.done) {
        if (!sawFinal && options.finalEvents) {
          const expected = options.finalEvents.join(' or ');
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
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason).catch(() => undefined);
    },
  });
}
