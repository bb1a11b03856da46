import type { CallSignal, LinkedToCall } from './call-signal.js';
import type { Deadline, Deadlines, Expiring } from './deadlines.js';

/**
 * The abort signal of one HTTP attempt: aborted by the caller's signal, or by one of the attempt's time limits.
 * One `AbortController` and a deadline on the client's shared timers (`Deadlines`) instead of a cockatiel
 * `TimeoutPolicy` plus `AbortSignal.any()` per attempt (which cost about 15 µs per call); when there is no time
 * limit the caller's signal is used as is.
 */
export class AttemptSignal implements Expiring, LinkedToCall {
  /** The signal to hand to `fetch`. */
  readonly signal: AbortSignal;
  /** Which limit ran out first, if one did. */
  expired: 'attempt' | 'firstChunk' | undefined;
  readonly #caller: CallSignal;
  readonly #controller: AbortController | undefined;
  /** One deadline for both limits: they start and stop together, so only the earlier one can run out. */
  #deadline: Deadline | undefined;
  #limit: 'attempt' | 'firstChunk' = 'attempt';
  #linked = false;

  /**
   * `attemptMs`: until the attempt hands its response over; `firstChunkMs`: until a stream's first chunk. The
   * deadline runs on `deadlines`, the client's timers.
   */
  constructor(
    caller: CallSignal,
    attemptMs: number | undefined,
    firstChunkMs: number | undefined,
    deadlines: Deadlines,
  ) {
    this.#caller = caller;
    if (attemptMs === undefined && firstChunkMs === undefined) {
      this.signal = caller.signal;
      return;
    }
    const controller = new AbortController();
    this.#controller = controller;
    this.signal = controller.signal;
    if (caller.signal.aborted) {
      controller.abort(caller.signal.reason);
      return;
    }
    // Linked for the life of the body (a stream keeps flowing after the attempt): `unlink()` ends it. The call's
    // one listener reaches it (`callerAborted`): no listener or closure per attempt.
    caller.link(this);
    this.#linked = true;
    // On a tie the attempt limit is named, as it was armed first.
    if (firstChunkMs === undefined || (attemptMs !== undefined && attemptMs <= firstChunkMs)) {
      this.#deadline = deadlines.start(attemptMs!, this);
    } else {
      this.#limit = 'firstChunk';
      this.#deadline = deadlines.start(firstChunkMs, this);
    }
  }

  /** The caller's signal aborted: so does the attempt, with the same reason. */
  callerAborted(reason: unknown): void {
    this.#controller?.abort(reason);
  }

  /** The earlier limit ran out (called by the deadline). */
  expire(): void {
    this.expired ??= this.#limit;
    this.#controller?.abort();
  }

  /** The attempt handed its response over (or failed): its time limits stop counting. */
  stopTimers(): void {
    this.#deadline?.stop();
  }

  /** The body is done: a later abort of the caller's signal no longer concerns this attempt. */
  unlink(): void {
    if (this.#linked) {
      this.#linked = false;
      this.#caller.unlink(this);
    }
  }
}
