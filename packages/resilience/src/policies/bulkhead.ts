import { context } from '@opentelemetry/api';
import { type BulkheadPolicy, bulkhead, isBulkheadRejectedError } from 'cockatiel';
import { BulkheadRejectedError } from '../errors.js';
import type { BulkheadOptions } from '../options.js';
import { type CallAttributes, telemetry } from '../telemetry.js';

/** What a call hands back to the bulkhead: its result now, and when its slot may be freed. */
export interface Held<T> {
  readonly value: T;
  /** Settles when the response body is done (a stream: ended, failed or cancelled). Never rejects. */
  readonly done: Promise<void>;
}

/**
 * A cockatiel bulkhead whose slot outlives the function: a streaming call keeps its slot until `done`. A
 * caller's abort rejects at once, also while queued (cockatiel would keep the place until a slot frees;
 * the aborted entry is then skipped).
 */
export class Bulkhead {
  private readonly policy: BulkheadPolicy;
  private readonly options: Required<BulkheadOptions>;

  constructor(options: Required<BulkheadOptions>) {
    this.options = options;
    this.policy = bulkhead(options.limit, options.queue);
  }

  run<T>(call: CallAttributes, signal: AbortSignal, work: () => Promise<Held<T>>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued = this.policy.executionSlots === 0;
      let waiting = queued && this.policy.queueSlots > 0;
      if (waiting) telemetry.bulkheadQueued(call, 1);
      const leaveQueue = () => {
        if (waiting) {
          waiting = false;
          telemetry.bulkheadQueued(call, -1);
        }
      };
      const onAbort = () => {
        leaveQueue();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const start = performance.now();
      // A queued call is started from whichever call frees the slot, in that call's async context: run it in
      // its own, so that its HTTP attempt spans and events land under its own GenAI span.
      const callerContext = context.active();

      this.policy
        .execute(async () => {
          leaveQueue();
          if (signal.aborted) return;
          telemetry.bulkheadSlot(call, performance.now() - start, queued);
          telemetry.bulkheadInFlight(call, 1);
          try {
            // Not queued: cockatiel runs this at once, still in the caller's context (no context switch needed).
            const held = await (queued ? context.with(callerContext, work) : work());
            signal.removeEventListener('abort', onAbort);
            resolve(held.value);
            await held.done;
          } finally {
            telemetry.bulkheadInFlight(call, -1);
          }
        }, signal)
        .catch((err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          leaveQueue();
          if (isBulkheadRejectedError(err)) {
            telemetry.bulkheadRejected(call);
            reject(new BulkheadRejectedError(this.options.limit, this.options.queue));
          } else {
            reject(err);
          }
        });
    });
  }
}
