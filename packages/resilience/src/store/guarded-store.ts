import { StoreUnavailableError } from '../errors.js';
import type { PolicyEvents } from '../events.js';
import { MemoryStore } from './memory-store.js';
import type { BreakerRecord, ResilienceStore } from './store.js';

/** What to do while the shared store cannot be reached. */
export type StoreUnavailableMode = 'local' | 'reject';

export interface GuardOptions {
  /** Longest wait for one store operation, ms. */
  readonly timeoutMs: number;
  /** `local`: the policies run on in-process state; `reject`: calls fail with `StoreUnavailableError`. */
  readonly onUnavailable: StoreUnavailableMode;
  /** During an outage, how often one operation tries the store again, ms. */
  readonly retryMs: number;
}

class StoreTimeout extends Error {
  override name = 'StoreTimeout';
}

/**
 * A shared store behind a deadline: each operation gets `timeoutMs` (a client that queues commands while
 * disconnected would otherwise hold the call forever); a failure starts an outage, during which operations go to an
 * in-process {@link MemoryStore} (or are refused) and one operation per `retryMs` tries the shared store again; the
 * first that succeeds ends the outage. A slot taken locally is released locally.
 */
export class GuardedStore implements ResilienceStore {
  private readonly local = new MemoryStore();
  /** `name\0holder` of slots taken in the local store during an outage. */
  private readonly localSlots = new Set<string>();
  private outageSince = 0;
  private nextTry = 0;

  constructor(
    private readonly shared: ResilienceStore,
    private readonly options: GuardOptions,
    private readonly events: PolicyEvents,
  ) {}

  /** Whether the shared store is failing now. */
  get unavailable(): boolean {
    return this.outageSince !== 0;
  }

  private async run<T>(
    operation: string,
    onShared: (s: ResilienceStore) => Promise<T>,
    onLocal: (l: MemoryStore) => Promise<T>,
  ): Promise<T> {
    const now = Date.now();
    if (this.outageSince !== 0 && now < this.nextTry) return this.fallback(operation, onLocal);
    if (this.outageSince !== 0) this.nextTry = now + this.options.retryMs;
    const start = performance.now();
    const startedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        onShared(this.shared),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new StoreTimeout(`no answer within ${this.options.timeoutMs} ms`)),
            this.options.timeoutMs,
          );
        }),
      ]);
      this.events.emit('storeOperation', operation, performance.now() - start, false);
      // Only an operation sent after the outage began proves the store is back (one in flight before may land late).
      if (this.outageSince !== 0 && startedAt >= this.outageSince) {
        this.events.emit('storeRecovered', Date.now() - this.outageSince);
        this.outageSince = 0;
      }
      return result;
    } catch (err) {
      this.events.emit('storeOperation', operation, performance.now() - start, true);
      const first = this.outageSince === 0;
      if (first) {
        this.outageSince = Date.now();
        this.nextTry = this.outageSince + this.options.retryMs;
        process.emitWarning(
          `@aiotel/resilience: the shared store is unavailable (${operation}: ${describe(err)}); ${
            this.options.onUnavailable === 'local'
              ? 'the policies run on in-process state (limits per process) until it answers again'
              : 'calls are refused with StoreUnavailableError until it answers again'
          }`,
          { code: 'AIOTEL_STORE_UNAVAILABLE' },
        );
      }
      this.events.emit('storeUnavailable', operation, err, first);
      return this.fallback(operation, onLocal);
    } finally {
      clearTimeout(timer);
    }
  }

  private fallback<T>(operation: string, onLocal: (l: MemoryStore) => Promise<T>): Promise<T> {
    if (this.options.onUnavailable === 'reject') {
      return Promise.reject(new StoreUnavailableError(operation, this.outageSince));
    }
    return onLocal(this.local);
  }

  acquireSlot(name: string, holder: string, limit: number, leaseMs: number, now: number): Promise<boolean> {
    let abandoned = false;
    return this.run(
      'acquire_slot',
      // A client that queued the command may still run it after the deadline: give such a slot back at once.
      (s) =>
        s.acquireSlot(name, holder, limit, leaseMs, now).then((got) => {
          if (got && abandoned) s.releaseSlot(name, holder).catch(() => undefined);
          return got;
        }),
      async (l) => {
        const got = await l.acquireSlot(name, holder, limit, leaseMs, now);
        if (got) this.localSlots.add(`${name}\0${holder}`);
        return got;
      },
    ).finally(() => {
      abandoned = true;
    });
  }

  renewSlot(name: string, holder: string, leaseMs: number, now: number): Promise<void> {
    if (this.localSlots.has(`${name}\0${holder}`)) return this.local.renewSlot(name, holder, leaseMs, now);
    return this.run(
      'renew_slot',
      (s) => s.renewSlot(name, holder, leaseMs, now),
      () => Promise.resolve(),
    ).catch(() => undefined);
  }

  releaseSlot(name: string, holder: string): Promise<void> {
    if (this.localSlots.delete(`${name}\0${holder}`)) return this.local.releaseSlot(name, holder);
    // A shared slot that cannot be released now comes back when its lease runs out.
    return this.run(
      'release_slot',
      (s) => s.releaseSlot(name, holder),
      () => Promise.resolve(),
    ).catch(() => undefined);
  }

  windowTotal(name: string, windowMs: number, now: number): Promise<number> {
    return this.run(
      'window_total',
      (s) => s.windowTotal(name, windowMs, now),
      (l) => l.windowTotal(name, windowMs, now),
    );
  }

  windowAdd(name: string, amount: number, windowMs: number, now: number): Promise<number> {
    return this.run(
      'window_add',
      (s) => s.windowAdd(name, amount, windowMs, now),
      (l) => l.windowAdd(name, amount, windowMs, now),
    );
  }

  windowTake(name: string, amount: number, limit: number, windowMs: number, now: number): Promise<number> {
    return this.run(
      'window_take',
      (s) => s.windowTake(name, amount, limit, windowMs, now),
      (l) => l.windowTake(name, amount, limit, windowMs, now),
    );
  }

  holdUntil(name: string, until: number): Promise<void> {
    // Held locally too: the hold must apply in this process even if the shared store misses it.
    void this.local.holdUntil(name, until);
    return this.run(
      'hold',
      (s) => s.holdUntil(name, until),
      () => Promise.resolve(),
    ).catch(() => undefined);
  }

  async heldUntil(name: string, now: number): Promise<number> {
    const local = await this.local.heldUntil(name, now);
    const shared = await this.run(
      'held_until',
      (s) => s.heldUntil(name, now),
      () => Promise.resolve(0),
    );
    return Math.max(local, shared);
  }

  breakerRead(name: string): Promise<BreakerRecord> {
    return this.run(
      'breaker_read',
      (s) => s.breakerRead(name),
      (l) => l.breakerRead(name),
    );
  }

  breakerFailure(name: string, threshold: number, now: number): Promise<BreakerRecord> {
    return this.run(
      'breaker_failure',
      (s) => s.breakerFailure(name, threshold, now),
      (l) => l.breakerFailure(name, threshold, now),
    );
  }

  breakerSuccess(name: string): Promise<boolean> {
    return this.run(
      'breaker_success',
      (s) => s.breakerSuccess(name),
      (l) => l.breakerSuccess(name),
    );
  }

  breakerClaimProbe(name: string, halfOpenAfterMs: number, leaseMs: number, now: number): Promise<boolean> {
    return this.run(
      'breaker_probe',
      (s) => s.breakerClaimProbe(name, halfOpenAfterMs, leaseMs, now),
      (l) => l.breakerClaimProbe(name, halfOpenAfterMs, leaseMs, now),
    );
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
