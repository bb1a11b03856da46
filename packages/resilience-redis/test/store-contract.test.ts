import { MemoryStore, type ResilienceStore } from '@aiotel/resilience';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './redis-server.js';

// The same behaviour from the in-process store and the Redis one: the policies cannot tell them apart.
let redis: RedisServer;
let seq = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

const stores: [string, () => ResilienceStore][] = [
  ['MemoryStore', () => new MemoryStore()],
  ['redisStore', () => redisStore(redis.client(), { prefix: `c${++seq}:` })],
];
const T0 = Date.now();
const WINDOW = 10_000;

describe.each(stores)('%s', (_, make) => {
  it('slots: limit, lease, renew, release', async () => {
    const s = make();
    expect(await s.acquireSlot('b', 'a', 2, 100, T0)).toBe(true);
    expect(await s.acquireSlot('b', 'b', 2, 100, T0)).toBe(true);
    expect(await s.acquireSlot('b', 'c', 2, 100, T0 + 50)).toBe(false);
    await s.renewSlot('b', 'a', 100, T0 + 90);
    await s.releaseSlot('b', 'b');
    expect(await s.acquireSlot('b', 'c', 2, 100, T0 + 95)).toBe(true);
    // a's lease runs to T0 + 190, c's to T0 + 195.
    expect(await s.acquireSlot('b', 'd', 2, 100, T0 + 150)).toBe(false);
    expect(await s.acquireSlot('b', 'd', 2, 100, T0 + 191)).toBe(true);
  });

  it('windows: total, add (floats), take with its wait', async () => {
    const s = make();
    expect(await s.windowAdd('w', 0.125, WINDOW, T0)).toBeCloseTo(0.125, 12);
    expect(await s.windowAdd('w', 0.000_001, WINDOW, T0 + 1)).toBeCloseTo(0.125001, 12);
    expect(await s.windowTotal('w', WINDOW, T0 + WINDOW - 1)).toBeCloseTo(0.125001, 12);
    expect(await s.windowTotal('w', WINDOW, T0 + WINDOW + 101)).toBe(0);
    expect(await s.windowTake('r', 1, 2, WINDOW, T0)).toBe(0);
    expect(await s.windowTake('r', 1, 2, WINDOW, T0 + 3_000)).toBe(0);
    const wait = await s.windowTake('r', 1, 2, WINDOW, T0 + 5_000);
    expect(wait).toBeGreaterThanOrEqual(5_000);
    expect(wait).toBeLessThanOrEqual(5_000 + WINDOW / 100);
    expect(await s.windowTake('r', 1, 2, WINDOW, T0 + 5_000 + wait)).toBe(0);
  });

  it('holds: the later one wins', async () => {
    const s = make();
    const now = Date.now();
    expect(await s.heldUntil('h', now)).toBe(0);
    await s.holdUntil('h', now + 2_000);
    await s.holdUntil('h', now + 1_000);
    expect(await s.heldUntil('h', now)).toBe(now + 2_000);
    expect(await s.heldUntil('h', now + 2_000)).toBe(0);
  });

  it('breakers: count, open, one probe, reopen on a failed probe, close on success', async () => {
    const s = make();
    expect(await s.breakerRead('k')).toEqual({ failures: 0, openedAt: 0, probeUntil: 0 });
    expect(await s.breakerFailure('k', 2, T0)).toEqual({ failures: 1, openedAt: 0, probeUntil: 0 });
    expect((await s.breakerFailure('k', 2, T0 + 1)).openedAt).toBe(T0 + 1);
    expect(await s.breakerClaimProbe('k', 1_000, 60_000, T0 + 500)).toBe(false);
    expect(await s.breakerClaimProbe('k', 1_000, 60_000, T0 + 1_001)).toBe(true);
    expect(await s.breakerClaimProbe('k', 1_000, 60_000, T0 + 1_002)).toBe(false);
    expect((await s.breakerFailure('k', 2, T0 + 1_100)).openedAt).toBe(T0 + 1_100);
    expect(await s.breakerClaimProbe('k', 1_000, 60_000, T0 + 2_100)).toBe(true);
    expect(await s.breakerSuccess('k')).toBe(true);
    expect(await s.breakerRead('k')).toEqual({ failures: 0, openedAt: 0, probeUntil: 0 });
    expect(await s.breakerSuccess('k')).toBe(false);
  });
});
