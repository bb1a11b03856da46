import { randomBytes } from 'node:crypto';
import { context } from '@opentelemetry/api';
import type { CallAttributes } from '../call.js';
import type { CallSignal, LinkedToCall } from '../call-signal.js';
import { BulkheadRejectedError } from '../errors.js';
import type { PolicyEvents } from '../events.js';
import { MemoryStore } from '../store/memory-store.js';
import type { ResilienceStore } from '../store/store.js';

/** What a call hands back to the bulkhead: its result now, and when its slot may be freed. */
export interface Held<T> {
  readonly value: T;
  /** Settles when the response body is done (a stream: ended, failed or cancelled). Never rejects. */
  readonly done: Promise<void>;
}

export interface BulkheadSettings {
  readonly limit: number;
  readonly queue: number;
  /** A slot not renewed for this long is freed (a holder that died). */
  readonly leaseMs: number;
  /** Whether the store is shared with other processes: then waiting calls also poll for slots freed elsewhere. */
  readonly shared: boolean;
}

/** The store name of the semaphore. */
const NAME = 'bulkhead';
/** How often queued calls look for a slot freed by another process, ms (slots freed here wake them at once). */
const POLL_MS = 20;

/**
 * A call waiting for a slot; linked to its call's signal (`callerAborted`), so a queued call costs no closure and no
 * listener of its own.
 */
class Waiter implements LinkedToCall {
  constructor(
    readonly call: CallAttributes,
    private readonly caller: CallSignal,
    private readonly resolve: (holder: string) => void,
    private readonly reject: (err: unknown) => void,
    /** Called when the caller aborts: takes the waiter out of the queue. */
    private readonly leave: (waiter: Waiter) => void,
  ) {
    caller.link(this);
  }

  start(holder: string): void {
    this.caller.unlink(this);
    this.resolve(holder);
  }

  /** The store refuses (`onStoreUnavailable: 'reject'`): the waiting call fails with its error. */
  fail(err: unknown): void {
    this.caller.unlink(this);
    this.reject(err);
  }

  callerAborted(reason: unknown): void {
    this.leave(this);
    this.reject(reason);
  }
}

let holderSeq = 0;
/** Identifies this process's holders in a shared semaphore. */
const PROCESS_ID = randomBytes(6).toString('hex');

/**
 * A concurrency limit whose slots live in the store (with a shared store: one limit for every process), with a
 * bounded FIFO queue in this process. A slot outlives the function: a streaming call keeps it until `done`, renewing
 * its lease meanwhile. A caller's abort rejects at once, also while queued.
 */
export class Bulkhead {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private pumpAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: BulkheadSettings,
    private readonly store: ResilienceStore,
    private readonly events: PolicyEvents,
  ) {}

  run<T>(call: CallAttributes, caller: CallSignal, work: () => Promise<Held<T>>): Promise<T> {
    const start = performance.now();
    // Behind others already waiting here, a call queues (first come, first served).
    if (this.waiters.length > 0) return this.queue(call, caller, work, start);
    const holder = `${PROCESS_ID}:${++holderSeq}`;
    // The in-process store answers at once: a free slot is taken without waiting for a promise.
    if (this.store instanceof MemoryStore) {
      const { limit, leaseMs } = this.settings;
      if (!this.store.takeSlot(NAME, holder, limit, leaseMs, Date.now()))
        return this.queue(call, caller, work, start);
      this.events.emit('bulkheadSlot', call, performance.now() - start, false, this.settings.shared);
      return this.hold(call, holder, caller.signal, work);
    }
    return this.acquire(holder).then((got) => {
      if (!got) return this.queue(call, caller, work, start);
      this.events.emit('bulkheadSlot', call, performance.now() - start, false, this.settings.shared);
      return this.hold(call, holder, caller.signal, work);
    });
  }

  /** No slot now: waits in the queue (or is rejected when it is full), then runs `work` holding the slot. */
  private async queue<T>(
    call: CallAttributes,
    caller: CallSignal,
    work: () => Promise<Held<T>>,
    start: number,
  ): Promise<T> {
    if (this.waiters.length >= this.settings.queue) {
      this.events.emit('bulkheadRejected', call);
      throw new BulkheadRejectedError(this.settings.limit, this.settings.queue);
    }
    caller.signal.throwIfAborted();
    // A queued call is started from whichever call frees the slot: run it in its own async context.
    const callerContext = context.active();
    const granted = await new Promise<string>((resolve, reject) => {
      this.waiters.push(new Waiter(call, caller, resolve, reject, this.leave));
      this.events.emit('bulkheadQueued', call, 1);
      // The slots may all have been freed since the failed acquire: look once more now that this call waits.
      void this.pump();
    });
    this.events.emit('bulkheadSlot', call, performance.now() - start, true, this.settings.shared);
    return context.with(callerContext, () => this.hold(call, granted, caller.signal, work));
  }

  /** A queued call whose caller aborted leaves the queue. */
  private readonly leave = (waiter: Waiter): void => {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) {
      this.waiters.splice(i, 1);
      this.events.emit('bulkheadQueued', waiter.call, -1);
    }
  };

  private acquire(holder: string): Promise<boolean> {
    const { limit, leaseMs } = this.settings;
    return this.store.acquireSlot(NAME, holder, limit, leaseMs, Date.now());
  }

  /** Runs `work` holding the slot; resolves with its value, frees the slot when its body is done. */
  private hold<T>(
    call: CallAttributes,
    holder: string,
    signal: AbortSignal,
    work: () => Promise<Held<T>>,
  ): Promise<T> {
    this.events.emit('bulkheadInFlight', call, 1);
    const renew = this.settings.shared ? this.renewEvery(holder) : undefined;
    const free = () => {
      clearInterval(renew);
      this.events.emit('bulkheadInFlight', call, -1);
      if (this.store instanceof MemoryStore) {
        // Freed at once: only waiting calls need a pump.
        this.store.freeSlot(NAME, holder);
        if (this.waiters.length > 0) void this.pump();
      } else {
        this.store.releaseSlot(NAME, holder).then(this.pumpAfterRelease, this.pumpAfterRelease);
      }
    };
    let working: Promise<Held<T>>;
    try {
      signal.throwIfAborted();
      working = work();
    } catch (err) {
      free();
      return Promise.reject(err);
    }
    return working.then(
      (held) => {
        held.done.then(free, free);
        return held.value;
      },
      (err: unknown) => {
        free();
        throw err;
      },
    );
  }

  private readonly pumpAfterRelease = (): void => void this.pump();

  /** Renews a shared slot's lease while it is held (a long stream), so that only a dead holder loses it. */
  private renewEvery(holder: string): NodeJS.Timeout {
    const { leaseMs } = this.settings;
    const timer = setInterval(
      () => this.store.renewSlot(NAME, holder, leaseMs, Date.now()).catch(() => undefined),
      Math.max(10, leaseMs / 3),
    );
    timer.unref();
    return timer;
  }

  /** Hands free slots to the calls waiting here, oldest first. */
  private async pump(): Promise<void> {
    // A slot freed while a pump is running is looked at again by that pump (its acquire may have come before).
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.waiters.length > 0) {
          const holder = `${PROCESS_ID}:${++holderSeq}`;
          let got: boolean;
          try {
            // The in-process store answers at once: a queue of calls is handed slots without a promise each.
            got =
              this.store instanceof MemoryStore
                ? this.store.takeSlot(NAME, holder, this.settings.limit, this.settings.leaseMs, Date.now())
                : await this.acquire(holder);
          } catch (err) {
            // Only a refusing store throws (the guarded store answers from memory otherwise): the queue fails with it.
            for (const waiter of this.waiters.splice(0)) {
              this.events.emit('bulkheadQueued', waiter.call, -1);
              waiter.fail(err);
            }
            break;
          }
          if (!got) break;
          const waiter = this.waiters.shift();
          if (!waiter) {
            await this.store.releaseSlot(NAME, holder).catch(() => undefined);
            break;
          }
          this.events.emit('bulkheadQueued', waiter.call, -1);
          waiter.start(holder);
        }
      } while (this.pumpAgain && this.waiters.length > 0);
    } finally {
      this.pumping = false;
    }
    this.schedulePoll();
  }

  /** With a shared store, slots freed by other processes are found by polling while calls wait. */
  private schedulePoll(): void {
    if (!this.settings.shared || this.pollTimer !== undefined || this.waiters.length === 0) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.pump();
    }, POLL_MS);
  }
}
