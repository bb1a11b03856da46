import type {
  ReadableStreamAsyncIterator,
  ReadableStreamGetReaderOptions,
  ReadableStreamReader,
  ReadableStreamReadResult,
  UnderlyingSource,
} from 'node:stream/web';

type ReadResult = ReadableStreamReadResult<Uint8Array>;

/** One read of the guarded source, settled for the caller: a chunk, the end, or the error to deliver (rejected). */
export type DirectRead = () => Promise<ReadResult>;

/**
 * The body a guarded stream hands to the SDK: a real `ReadableStream` (`instanceof`, `tee()`, `pipeTo()`,
 * `new Response(body)` all work through its source), whose default readers and async iterator read the source
 * directly. A read through the stream's own queue and `pull()` costs a second round of promises and bookkeeping per
 * chunk on top of the source's read (about 0.6 µs a chunk with the guard's work, measured in bench/src/layers.ts);
 * the direct read is the source's read and one `then`.
 *
 * Each reader's first read still goes through the stream, so the stream is disturbed (`bodyUsed`, a second
 * `text()` refused) and its lock is a real one. The queue stays empty otherwise: the high-water mark is 0, so
 * `pull()` only runs for a pending read of the stream's own, and the direct reads never enqueue.
 */
export class GuardedBody extends ReadableStream<Uint8Array> {
  readonly #direct: DirectRead;

  constructor(source: UnderlyingSource<Uint8Array>, direct: DirectRead) {
    super(source, { highWaterMark: 0 });
    this.#direct = direct;
  }

  override getReader(): ReadableStreamDefaultReader<Uint8Array>;
  override getReader(options: { mode: 'byob' }): ReadableStreamBYOBReader;
  override getReader(options?: ReadableStreamGetReaderOptions): ReadableStreamReader<Uint8Array>;
  override getReader(options?: ReadableStreamGetReaderOptions): ReadableStreamReader<Uint8Array> {
    if (options?.mode !== undefined) return super.getReader(options);
    const reader = super.getReader();
    // An own property over the prototype's `read`: the reader stays a real `ReadableStreamDefaultReader`. A function
    // bound to the reader's state, not a closure: V8 keeps what a closure added to an object after its construction
    // captures alive into the old generation (field type tracking; see @aiotel/instrumentation-openai's
    // api-promise.ts).
    reader.read = readDirectly.bind(new DirectReader(reader, this.#direct)) as typeof reader.read;
    return reader;
  }

  override values(options?: { preventCancel?: boolean }): ReadableStreamAsyncIterator<Uint8Array> {
    return readerIterator(this.getReader(), options?.preventCancel === true);
  }

  override [Symbol.asyncIterator](options?: {
    preventCancel?: boolean;
  }): ReadableStreamAsyncIterator<Uint8Array> {
    return this.values(options);
  }
}

/** A default reader of a guarded body: its first read goes through the stream, the others to the source. */
class DirectReader {
  readonly throughStream: ReadableStreamDefaultReader<Uint8Array>['read'];
  first = true;

  constructor(
    readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    readonly direct: DirectRead,
  ) {
    this.throughStream = reader.read;
  }
}

function readDirectly(this: DirectReader): Promise<ReadResult> {
  if (!this.first) return this.direct();
  this.first = false;
  return this.throughStream.call(this.reader) as Promise<ReadResult>;
}

/** `for await` over a default reader, as the stream's own iterator behaves: the lock is released at the end. */
function readerIterator(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  preventCancel: boolean,
): ReadableStreamAsyncIterator<Uint8Array> {
  let done = false;
  const end = (): void => {
    done = true;
    reader.releaseLock();
  };
  const onRead = (result: ReadResult): ReadResult => {
    if (result.done) end();
    return result;
  };
  const onError = (err: unknown): never => {
    end();
    throw err;
  };
  const iterator = {
    next(): Promise<ReadResult> {
      if (done) return Promise.resolve({ done: true, value: undefined });
      return reader.read().then(onRead, onError);
    },
    return(value?: unknown): Promise<IteratorReturnResult<undefined>> {
      const ended = { done: true, value } as IteratorReturnResult<undefined>;
      if (done) return Promise.resolve(ended);
      if (preventCancel) {
        end();
        return Promise.resolve(ended);
      }
      done = true;
      const cancelled = reader.cancel(value);
      reader.releaseLock();
      return cancelled.then(() => ended);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator as unknown as ReadableStreamAsyncIterator<Uint8Array>;
}
