/** What a stream's observer reports to: the call it belongs to. */
export interface StreamObserver {
  /** Reads a chunk; returns whether to hide it from the caller. Never throws. */
  readChunk(chunk: unknown): boolean;
  /** The stream ended: normally, or (`aborted`) because the caller aborted its request. */
  streamEnded(aborted: boolean): void;
  /** The caller stopped reading early. */
  streamClosed(): void;
  fail(err: unknown): void;
}

/** The part of the SDK's `Stream` we touch: `iterator()` feeds `for await`, `tee()` and `toReadableStream()`. */
interface SdkStream<T> {
  iterator: (...args: unknown[]) => AsyncIterator<T>;
  controller?: { signal?: AbortSignal };
}

/**
 * Observes a streamed call in place: the stream's `iterator` is replaced so every way of reading it
 * (`for await`, `tee()`, `toReadableStream()`, helpers) passes through one observer, which times the
 * chunks, reads usage and ends the call exactly once. Chunks reach the caller unchanged, except the
 * usage-only chunk the instrumentation asked for, which is skipped.
 * The replacement is a shared function bound to the stream's {@link StreamObservation}, not a closure made per
 * call: a closure added to the SDK's object keeps the call's objects alive into V8's old generation (see
 * `observeApiPromise`).
 */
export function observeStream<T>(stream: SdkStream<T>, call: StreamObserver): void {
  stream.iterator = (observedIterator<T>).bind(new StreamObservation(stream, call));
}

/** One observed stream: the SDK's `iterator` and the call its chunks go to. */
class StreamObservation<T> {
  readonly iterator: SdkStream<T>['iterator'];

  constructor(
    readonly stream: SdkStream<T>,
    readonly call: StreamObserver,
  ) {
    this.iterator = stream.iterator;
  }
}

// The SDK calls `this.iterator()` on its stream: the original gets the stream as `this`.
function observedIterator<T>(this: StreamObservation<T>, ...args: unknown[]): ObservedIterator<T> {
  const { stream } = this;
  return new ObservedIterator(this.iterator.apply(stream, args), this.call, stream.controller?.signal);
}

/** Forwards to the SDK's iterator; one instance (and its two bound handlers) per stream read. */
class ObservedIterator<T> implements AsyncIterator<T> {
  constructor(
    private readonly inner: AsyncIterator<T>,
    private readonly call: StreamObserver,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.onNext = this.onNext.bind(this);
    this.onError = this.onError.bind(this);
  }

  // `for await` never passes a value to next(), so none is forwarded (no per-chunk rest array).
  next(): Promise<IteratorResult<T>> {
    return this.inner.next().then(this.onNext, this.onError);
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.call.streamClosed();
    if (typeof this.inner.return === 'function') return this.inner.return(value as T);
    return Promise.resolve({ done: true, value: value as T });
  }

  throw(err?: unknown): Promise<IteratorResult<T>> {
    if (typeof this.inner.throw === 'function') {
      return this.inner.throw(err).then(this.onNext, this.onError);
    }
    this.call.fail(err);
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private onNext(result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> {
    if (result.done) {
      this.call.streamEnded(this.signal?.aborted === true);
      return result;
    }
    if (this.call.readChunk(result.value)) return this.next();
    return result;
  }

  private onError(err: unknown): never {
    this.call.fail(err);
    throw err;
  }
}
