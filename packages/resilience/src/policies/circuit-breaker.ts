import { isProviderFault } from '../attempt-failure.js';
import type { CallAttributes } from '../call.js';
import { CircuitOpenError } from '../errors.js';
import type { PolicyEvents } from '../events.js';
import type { CircuitBreakerOptions } from '../options.js';
import { type BreakerRecord, CLOSED, type ResilienceStore } from '../store/store.js';

/**
 * One consecutive-failure circuit breaker per key, its state in the store (with a shared store: one state for every
 * process). Closed: calls go; `consecutiveFailures` provider faults in a row open it. Open: calls fail fast with
 * `CircuitOpenError` until `halfOpenAfterMs` passed; then one caller (in any process) claims the probe, the others
 * keep failing fast. The probe's success closes it for all, its provider fault opens it again.
 */
export class Breaker {
  readonly key: string;
  private readonly name: string;
  /** Until when a read that found the breaker closed and clean stands for the store's state (a shared store). */
  private closedUntil = 0;

  constructor(
    call: CallAttributes,
    private readonly options: Required<CircuitBreakerOptions>,
    private readonly store: ResilienceStore,
    private readonly events: PolicyEvents,
    /** How long a closed state read from a shared store is trusted, ms (0: read on every call). */
    private readonly cacheMs: number,
  ) {
    this.key = call.key;
    this.name = `breaker:${call.key}`;
    events.emit('breakerCreated', call);
  }

  /** Runs `fn` through the breaker, or throws `CircuitOpenError` without calling it. */
  execute<T>(fn: () => Promise<T>, call: CallAttributes): Promise<T> {
    // Known closed and clean (the common case): no read to wait for, and a success has nothing to record.
    if (this.cacheMs > 0 && Date.now() < this.closedUntil) {
      return fn().catch(async (err: unknown) => {
        if (isProviderFault(err)) await this.failed(CLOSED, false, call);
        throw err;
      });
    }
    return this.executeRead(fn, call);
  }

  private async executeRead<T>(fn: () => Promise<T>, call: CallAttributes): Promise<T> {
    const record = await this.read();
    let probe = false;
    if (record.openedAt !== 0) {
      const probeAt = record.openedAt + this.options.halfOpenAfterMs;
      const now = Date.now();
      if (now < probeAt) throw new CircuitOpenError(this.key, probeAt);
      // An LLM call can take a minute: callers other than the probe fail fast rather than wait for it.
      const leaseMs = Math.max(this.options.halfOpenAfterMs, 60_000);
      if (!(await this.store.breakerClaimProbe(this.name, this.options.halfOpenAfterMs, leaseMs, now))) {
        throw new CircuitOpenError(this.key, undefined);
      }
      probe = true;
      this.events.emit('breakerState', call, 'half_open', false);
    }
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      if (isProviderFault(err)) await this.failed(record, probe, call);
      // Other errors are not the provider's fault: for the breaker, the probe succeeded.
      else if (probe || record.failures > 0) await this.succeeded(call);
      throw err;
    }
    if (probe || record.failures > 0) await this.succeeded(call);
    return value;
  }

  /** The breaker's record from the store; a clean closed one is then trusted for `cacheMs` (see `execute`). */
  private async read(): Promise<BreakerRecord> {
    const record = await this.store.breakerRead(this.name);
    if (this.cacheMs > 0 && record.openedAt === 0 && record.failures === 0)
      this.closedUntil = Date.now() + this.cacheMs;
    return record;
  }

  private async failed(before: BreakerRecord, probe: boolean, call: CallAttributes): Promise<void> {
    this.closedUntil = 0;
    const after = await this.store
      .breakerFailure(this.name, this.options.consecutiveFailures, Date.now())
      .catch(() => undefined);
    if (
      after &&
      after.openedAt !== 0 &&
      (probe || before.openedAt === 0) &&
      after.openedAt !== before.openedAt
    ) {
      this.events.emit('breakerState', call, 'open', true);
    }
  }

  private async succeeded(call: CallAttributes): Promise<void> {
    const wasOpen = await this.store.breakerSuccess(this.name).catch(() => false);
    if (wasOpen) this.events.emit('breakerState', call, 'closed', false);
  }
}

/** The breakers of one resilient client, one per key (server and model by default). */
export class Breakers {
  private readonly byKey = new Map<string, Breaker>();

  constructor(
    private readonly options: Required<CircuitBreakerOptions>,
    private readonly store: ResilienceStore,
    private readonly events: PolicyEvents,
    private readonly cacheMs: number,
  ) {}

  /** The breaker for the call's key, created closed on first use. */
  get(call: CallAttributes): Breaker {
    let breaker = this.byKey.get(call.key);
    if (!breaker) {
      breaker = new Breaker(call, this.options, this.store, this.events, this.cacheMs);
      this.byKey.set(call.key, breaker);
    }
    return breaker;
  }
}
