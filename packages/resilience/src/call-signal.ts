/** What a call's abort reaches besides the call itself: its place in the bulkhead queue, its attempt (or stream). */
export interface LinkedToCall {
  callerAborted(reason: unknown): void;
}

const noop = (): undefined => undefined;
const cancelBody = (r: Response): void => void r.body?.cancel().catch(noop);

/**
 * The caller's abort signal of one call, listened to once (this object is the listener) for all the call needs of
 * it: the call rejecting at once (`race`), and what is linked to it (`link`) told: its place in the bulkhead queue,
 * its attempt's own signal (a stream's for as long as its body is read). One listener per call instead of one each
 * (each `addEventListener` costs a listener record and an options object).
 */
export class CallSignal {
  readonly signal: AbortSignal;
  /** Rejects the call, until it settled. */
  #reject: ((reason: unknown) => void) | undefined;
  /** The call's work, whose response is cancelled when it comes after an abort. */
  #work: Promise<Response> | undefined;
  #linked: LinkedToCall[] = [];
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

  /** `linked` is told of the call's abort until `unlink(linked)`. */
  link(linked: LinkedToCall): void {
    this.#linked.push(linked);
    this.#listen();
  }

  unlink(linked: LinkedToCall): void {
    const i = this.#linked.indexOf(linked);
    if (i >= 0) this.#linked.splice(i, 1);
    this.#release();
  }

  /** The caller aborted: what is linked first (its listeners came first when each had its own), then the call. */
  handleEvent(): void {
    const reason = this.signal.reason;
    for (const linked of this.#linked.slice()) linked.callerAborted(reason);
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
    if (this.#listening && this.#reject === undefined && this.#linked.length === 0) {
      this.#listening = false;
      this.signal.removeEventListener('abort', this);
    }
  }
}

const ONCE = { once: true } as const;
