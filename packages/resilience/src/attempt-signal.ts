const ONCE = { once: true } as const;

/**
 * The abort signal of one HTTP attempt: aborted by the caller's signal, or by one of the attempt's time limits.
 * One `AbortController` and plain timers instead of a cockatiel `TimeoutPolicy` plus `AbortSignal.any()` per
 * attempt (which cost about 15 µs per call); when there is no time limit the caller's signal is used as is.
 */
export class AttemptSignal {
  /** The signal to hand to `fetch`. */
  readonly signal: AbortSignal;
  /** Which limit ran out first, if one did. */
  expired: 'attempt' | 'firstChunk' | undefined;
  readonly #caller: AbortSignal;
  readonly #controller: AbortController | undefined;
  /** One timer for both limits: they start and stop together, so only the earlier one can run out. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #linked = false;

  /** `attemptMs`: until the attempt hands its response over; `firstChunkMs`: until a stream's first chunk. */
  constructor(caller: AbortSignal, attemptMs: number | undefined, firstChunkMs: number | undefined) {
    this.#caller = caller;
    if (attemptMs === undefined && firstChunkMs === undefined) {
      this.signal = caller;
      return;
    }
    const controller = new AbortController();
    this.#controller = controller;
    this.signal = controller.signal;
    if (caller.aborted) {
      controller.abort(caller.reason);
      return;
    }
    // Linked for the life of the body (a stream keeps flowing after the attempt): `unlink()` ends it. This object is
    // the listener (`handleEvent`): no closure per attempt.
    caller.addEventListener('abort', this, ONCE);
    this.#linked = true;
    // On a tie the attempt limit is named, as it was armed first.
    const limit =
      firstChunkMs === undefined || (attemptMs !== undefined && attemptMs <= firstChunkMs)
        ? 'attempt'
        : 'firstChunk';
    this.#timer = setTimeout(() => this.#expire(limit), limit === 'attempt' ? attemptMs : firstChunkMs);
  }

  /** The caller's signal aborted: so does the attempt, with the same reason. */
  handleEvent(): void {
    this.#controller?.abort(this.#caller.reason);
  }

  #expire(limit: 'attempt' | 'firstChunk'): void {
    this.expired ??= limit;
    this.#controller?.abort();
  }

  /** The attempt handed its response over (or failed): its time limits stop counting. */
  stopTimers(): void {
    clearTimeout(this.#timer);
  }

  /** The body is done: a later abort of the caller's signal no longer concerns this attempt. */
  unlink(): void {
    if (this.#linked) this.#caller.removeEventListener('abort', this);
  }
}
