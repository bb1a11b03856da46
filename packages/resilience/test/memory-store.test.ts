import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.js';

const T0 = 1_000_000;
const WINDOW = 10_000;

describe('MemoryStore windows (budget, rate limit)', () => {
  it('keeps an amount for the whole window and forgets it within 1 % after', async () => {
    const store = new MemoryStore();
    await store.windowAdd('w', 2.5, WINDOW, T0);
    expect(await store.windowTotal('w', WINDOW, T0 + WINDOW - 1)).toBe(2.5);
    expect(await store.windowTotal('w', WINDOW, T0 + WINDOW + 100)).toBe(0);
  });

  it('sums many adds into bounded buckets without losing any', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5_000; i++) await store.windowAdd('w', 0.001, WINDOW, T0 + i);
    expect(await store.windowTotal('w', WINDOW, T0 + 5_000)).toBeCloseTo(5, 9);
    const buckets = (store as unknown as { windows: Map<string, { buckets: unknown[] }> }).windows.get('w')!;
    expect(buckets.buckets.length).toBeLessThanOrEqual(51);
  });

  it('take: grants within the limit, then says how long until the oldest share leaves', async () => {
    const store = new MemoryStore();
    expect(await store.windowTake('r', 1, 2, WINDOW, T0)).toBe(0);
    expect(await store.windowTake('r', 1, 2, WINDOW, T0 + 3_000)).toBe(0);
    const wait = await store.windowTake('r', 1, 2, WINDOW, T0 + 5_000);
    // The first share leaves with its bucket: 5 s later, at most 1 % of the window late.
    expect(wait).toBeGreaterThanOrEqual(5_000);
    expect(wait).toBeLessThanOrEqual(5_000 + WINDOW / 100);
    expect(await store.windowTotal('r', WINDOW, T0 + 5_000)).toBe(2);
    expect(await store.windowTake('r', 1, 2, WINDOW, T0 + 5_000 + wait)).toBe(0);
  });

  it('take: an amount above the limit fits an empty window only', async () => {
    const store = new MemoryStore();
    expect(await store.windowTake('t', 500, 100, WINDOW, T0)).toBe(0);
    expect(await store.windowTake('t', 1, 100, WINDOW, T0 + 1)).toBeGreaterThan(0);
  });
});

describe('MemoryStore slots and breakers', () => {
  it('frees a slot whose lease ran out', async () => {
    const store = new MemoryStore();
    expect(await store.acquireSlot('b', 'a', 1, 100, T0)).toBe(true);
    expect(await store.acquireSlot('b', 'b', 1, 100, T0 + 50)).toBe(false);
    await store.renewSlot('b', 'a', 100, T0 + 90);
    expect(await store.acquireSlot('b', 'b', 1, 100, T0 + 150)).toBe(false);
    expect(await store.acquireSlot('b', 'b', 1, 100, T0 + 191)).toBe(true);
  });

  it('frees a shorter lease taken after a longer one, and keeps refusing while none ran out', async () => {
    const store = new MemoryStore();
    expect(await store.acquireSlot('b', 'long', 2, 1_000, T0)).toBe(true);
    expect(await store.acquireSlot('b', 'short', 2, 10, T0)).toBe(true);
    expect(await store.acquireSlot('b', 'next', 2, 10, T0 + 5)).toBe(false);
    expect(await store.acquireSlot('b', 'next', 2, 10, T0 + 20)).toBe(true);
    expect(await store.acquireSlot('b', 'last', 2, 10, T0 + 25)).toBe(false);
    expect(store.slotsHeld('b')).toBe(2);
  });

  it('opens at the threshold, lets one probe claim it after halfOpenAfterMs, closes on success', async () => {
    const store = new MemoryStore();
    await store.breakerFailure('k', 2, T0);
    expect((await store.breakerFailure('k', 2, T0)).openedAt).toBe(T0);
    expect(await store.breakerClaimProbe('k', 1_000, 60_000, T0 + 999)).toBe(false);
    expect(await store.breakerClaimProbe('k', 1_000, 60_000, T0 + 1_000)).toBe(true);
    expect(await store.breakerClaimProbe('k', 1_000, 60_000, T0 + 1_001)).toBe(false);
    expect(await store.breakerSuccess('k')).toBe(true);
    expect(await store.breakerRead('k')).toEqual({ failures: 0, openedAt: 0, probeUntil: 0 });
  });
});
