/**
 * Where the policies keep their state. Without a store, `resilient()` uses an in-process {@link MemoryStore}; with
 * a shared one (`redisStore()` of `@aiotel/resilience-redis`) every process using the same store shares the limits,
 * the budget and the breakers. Every operation is atomic in the store. Times are epoch ms from the caller's clock.
 *
 * `name` is the policy's key (a bulkhead's scope, a breaker key, a budget), already prefixed by the policy kind.
 */
export interface ResilienceStore {
  /**
   * Takes a slot of the semaphore `name` for `holder` when fewer than `limit` are held, and returns whether it
   * did. Slots whose lease (`leaseMs` from their last acquire or renew) ran out are freed first.
   */
  acquireSlot(name: string, holder: string, limit: number, leaseMs: number, now: number): Promise<boolean>;
  /** Extends the lease of `holder`'s slot (a long stream). */
  renewSlot(name: string, holder: string, leaseMs: number, now: number): Promise<void>;
  /** Frees `holder`'s slot. */
  releaseSlot(name: string, holder: string): Promise<void>;

  /** The sum of what was added to the window `name` in the last `windowMs` (sliding, in 1/100 buckets). */
  windowTotal(name: string, windowMs: number, now: number): Promise<number>;
  /** Adds `amount` (may be negative, a correction) to the window and returns its new total. */
  windowAdd(name: string, amount: number, windowMs: number, now: number): Promise<number>;
  /**
   * Adds `amount` when the window's total stays within `limit` and returns 0; otherwise adds nothing and returns
   * how long until enough leaves the window, ms. An amount above `limit` fits an empty window.
   */
  windowTake(name: string, amount: number, limit: number, windowMs: number, now: number): Promise<number>;

  /** Holds `name` until `until` (epoch ms), or later when already held longer. */
  holdUntil(name: string, until: number): Promise<void>;
  /** Until when `name` is held (epoch ms); 0 when it is not. */
  heldUntil(name: string, now: number): Promise<number>;

  /** The breaker `name` as it stands. */
  breakerRead(name: string): Promise<BreakerRecord>;
  /**
   * Counts a provider fault: a closed breaker opens at `threshold` consecutive faults; a failed probe (half-open)
   * opens it again. Returns the record afterwards.
   */
  breakerFailure(name: string, threshold: number, now: number): Promise<BreakerRecord>;
  /** A success: the breaker closes and its count restarts. Returns whether it was open or half-open. */
  breakerSuccess(name: string): Promise<boolean>;
  /**
   * Claims the one probe of an open breaker whose `halfOpenAfterMs` passed; the claim lapses after `leaseMs` (a
   * prober that died). Returns whether this caller probes.
   */
  breakerClaimProbe(name: string, halfOpenAfterMs: number, leaseMs: number, now: number): Promise<boolean>;
}

/** A breaker's shared state. */
export interface BreakerRecord {
  /** Consecutive provider faults while closed. */
  readonly failures: number;
  /** When it opened (epoch ms); 0 while closed. */
  readonly openedAt: number;
  /** Until when a claimed probe is in flight (epoch ms); 0 when none. */
  readonly probeUntil: number;
}

export const CLOSED: BreakerRecord = Object.freeze({ failures: 0, openedAt: 0, probeUntil: 0 });
