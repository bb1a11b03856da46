/** What a call's abort reaches besides the call itself: the attempts in flight (and streams being read). */
export interface LinkedAttempt {
  callerAborted(reason: unknown): void;
}

const noop = (): undefined => undefined;
const cancelBody = (r: Response): void => void r.body?.cancel().catch(noop);

/**
 * The caller's abort signal of one call, listened to once (this object is the listener) for all the call needs of
 * it: the call rejecting at once (`race`), and its attempts' own signals aborted with it (`link`), a stream's for as
 * long as its body is read. One listener per call instead of one per attempt and one for the call (each
 * `addEventListener` costs a listener record and an options object).
 */
export class CallSignal {
  readonly signal: AbortSignal;
  /** Rejects the call, until it settled. */
  #reject: ((reason: unknown) => void) | undefined;
  /** The call's work, whose response is cancelled when it comes after an abort. */
  #work: Promise<Response> | undefined;
  #attempts: LinkedAttempt[] = [];
  #listening = false;

  constructor(signal: AbortSignal) {
    this.signal = signal;
  }

  /**
   * Resolves as `work` does, but rejects as soon as the signal aborts; a response that arrives afterwards is
   * cancelled (which also frees its bulkhead slot instead of holding it for nobody).
   */
  race(work: Promise<Response>): Promise<Response> {
    if (this.signal.aborted) {
      work.then(cancelBody, noop);
      return Promise.reject(this.signal.reason);
    }
    return new Promise((resolve, reject) => {
      this.#reject = reject;
      this.#work = work;
      this.#listen();
      work.then(
        (r) => {
          this.#settled();
          resolve(r);
        },
        (err: unknown) => {
          this.#settled();
          reject(err);
        },
      );
    });
  }

  /** `attempt` is aborted with the call until `unlink(attempt)`. */
  link(attempt: LinkedAttempt): void {
    this.#attempts.push(attempt);
    this.#listen();
  }

  unlink(attempt: LinkedAttempt): void {
    const i = this.#attempts.indexOf(attempt);
    if (i >= 0) this.#attempts.splice(i, 1);
    this.#release();
  }

  /** The caller aborted: the attempts first (as their own listeners came first), then the call. */
  handleEvent(): void {
    const reason = this.signal.reason;
    for (const attempt of this.#attempts.slice()) attempt.callerAborted(reason);
    const reject = this.#reject;
    if (reject !== undefined) {
      this.#reject = undefined;
      reject(reason);
      this.#work?.then(cancelBody, noop);
    }
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.signal.addEventListener('abort', this, ONCE);
  }

  #settled(): void {
    this.#reject = undefined;
    this.#work = undefined;
    this.#release();
  }

  /** Nothing left to abort: a later abort of the caller's signal no longer concerns this call. */
  #release(): void {
    if (this.#listening && this.#reject === undefined && this.#attempts.length === 0) {
      this.#listening = false;
      this.signal.removeEventListener('abort', this);
    }
  }
}

const ONCE = { once: true } as const;
