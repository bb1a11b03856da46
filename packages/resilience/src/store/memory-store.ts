import { type BreakerRecord, CLOSED, type ResilienceStore } from './store.js';

/** Buckets per window: memory stays bounded, and a bucket leaves the window at most 1 % late, never early. */
export const BUCKETS_PER_WINDOW = 100;

/** The end of the bucket `now` falls in, for a window of `windowMs`. */
export function bucketEnd(now: number, windowMs: number): number {
  const size = Math.max(1, windowMs / BUCKETS_PER_WINDOW);
  return Math.ceil((now + 1) / size) * size;
}

interface Window {
  /** Amount per bucket (`end`: the bucket's end), oldest first. */
  readonly buckets: { end: number; amount: number }[];
  total: number;
}

/** The holders of one semaphore's slots (their lease ends, epoch ms). */
interface Slots {
  readonly holders: Map<string, number>;
  /** No lease ends before this (a lower bound, exact after each look at the holders). */
  earliestEnd: number;
}

/**
 * The policies' state in this process: what `resilient()` uses without a store, and what a shared store falls back
 * to while it is unreachable. Operations settle at once.
 */
export class MemoryStore implements ResilienceStore {
  private readonly slots = new Map<string, Slots>();
  private readonly windows = new Map<string, Window>();
  private readonly holds = new Map<string, number>();
  private readonly breakers = new Map<string, BreakerRecord>();

  acquireSlot(name: string, holder: string, limit: number, leaseMs: number, now: number): Promise<boolean> {
    return Promise.resolve(this.takeSlot(name, holder, limit, leaseMs, now));
  }

  /** `acquireSlot()` answered at once: whether `holder` got a slot. */
  takeSlot(name: string, holder: string, limit: number, leaseMs: number, now: number): boolean {
    let slots = this.slots.get(name);
    if (!slots) {
      slots = { holders: new Map(), earliestEnd: Number.POSITIVE_INFINITY };
      this.slots.set(name, slots);
    }
    const held = slots.holders;
    // Full: free the slots whose lease ended. While no lease can have ended yet, the holders are not looked at (a
    // queue of calls retrying a full semaphore would walk them all on every try).
    if (held.size >= limit && now >= slots.earliestEnd) {
      let earliest = Number.POSITIVE_INFINITY;
      for (const [h, until] of held) {
        if (until <= now) held.delete(h);
        else if (until < earliest) earliest = until;
      }
      slots.earliestEnd = earliest;
    }
    if (held.size >= limit) return false;
    held.set(holder, now + leaseMs);
    if (now + leaseMs < slots.earliestEnd) slots.earliestEnd = now + leaseMs;
    return true;
  }

  renewSlot(name: string, holder: string, leaseMs: number, now: number): Promise<void> {
    const held = this.slots.get(name)?.holders;
    if (held?.has(holder)) held.set(holder, now + leaseMs);
    return Promise.resolve();
  }

  releaseSlot(name: string, holder: string): Promise<void> {
    this.freeSlot(name, holder);
    return Promise.resolve();
  }

  /** `releaseSlot()` done at once. */
  freeSlot(name: string, holder: string): void {
    this.slots.get(name)?.holders.delete(holder);
  }

  /** Slots held now (for tests and the in-flight gauge). */
  slotsHeld(name: string): number {
    return this.slots.get(name)?.holders.size ?? 0;
  }

  private window(name: string, windowMs: number, now: number): Window {
    let w = this.windows.get(name);
    if (!w) {
      w = { buckets: [], total: 0 };
      this.windows.set(name, w);
    }
    const from = now - windowMs;
    while (w.buckets.length > 0 && w.buckets[0]!.end <= from) w.total -= w.buckets.shift()!.amount;
    if (w.buckets.length === 0) w.total = 0; // no floating-point residue once the window is empty
    return w;
  }

  private add(w: Window, amount: number, windowMs: number, now: number): void {
    const end = bucketEnd(now, windowMs);
    const last = w.buckets[w.buckets.length - 1];
    if (last && last.end === end) last.amount += amount;
    else w.buckets.push({ end, amount });
    w.total += amount;
  }

  windowTotal(name: string, windowMs: number, now: number): Promise<number> {
    return Promise.resolve(this.window(name, windowMs, now).total);
  }

  windowAdd(name: string, amount: number, windowMs: number, now: number): Promise<number> {
    const w = this.window(name, windowMs, now);
    this.add(w, amount, windowMs, now);
    return Promise.resolve(w.total);
  }

  windowTake(name: string, amount: number, limit: number, windowMs: number, now: number): Promise<number> {
    const w = this.window(name, windowMs, now);
    const need = Math.min(amount, limit);
    if (w.total + need <= limit) {
      this.add(w, amount, windowMs, now);
      return Promise.resolve(0);
    }
    let left = w.total;
    for (const bucket of w.buckets) {
      left -= bucket.amount;
      if (left + need <= limit) return Promise.resolve(Math.max(1, bucket.end + windowMs - now));
    }
    return Promise.resolve(windowMs);
  }

  holdUntil(name: string, until: number): Promise<void> {
    if (until > (this.holds.get(name) ?? 0)) this.holds.set(name, until);
    return Promise.resolve();
  }

  heldUntil(name: string, now: number): Promise<number> {
    const until = this.holds.get(name) ?? 0;
    if (until !== 0 && until <= now) this.holds.delete(name);
    return Promise.resolve(until > now ? until : 0);
  }

  breakerRead(name: string): Promise<BreakerRecord> {
    return Promise.resolve(this.breakers.get(name) ?? CLOSED);
  }

  breakerFailure(name: string, threshold: number, now: number): Promise<BreakerRecord> {
    const r = this.breakers.get(name) ?? CLOSED;
    let next: BreakerRecord;
    if (r.openedAt !== 0)
      next = { failures: 0, openedAt: r.probeUntil !== 0 ? now : r.openedAt, probeUntil: 0 };
    else if (r.failures + 1 >= threshold) next = { failures: 0, openedAt: now, probeUntil: 0 };
    else next = { failures: r.failures + 1, openedAt: 0, probeUntil: 0 };
    this.breakers.set(name, next);
    return Promise.resolve(next);
  }

  breakerSuccess(name: string): Promise<boolean> {
    const r = this.breakers.get(name);
    this.breakers.delete(name);
    return Promise.resolve(r !== undefined && r.openedAt !== 0);
  }

  breakerClaimProbe(name: string, halfOpenAfterMs: number, leaseMs: number, now: number): Promise<boolean> {
    const r = this.breakers.get(name);
    if (!r || r.openedAt === 0 || now < r.openedAt + halfOpenAfterMs || r.probeUntil > now) {
      return Promise.resolve(false);
    }
    this.breakers.set(name, { failures: 0, openedAt: r.openedAt, probeUntil: now + leaseMs });
    return Promise.resolve(true);
  }
}
