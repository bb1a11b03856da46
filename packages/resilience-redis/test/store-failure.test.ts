import { afterEach, describe, expect, it } from 'vitest';
import { until, useRedisAndFake, useWorkers } from './bed.js';
import type { Worker, WorkerConfig } from './workers.js';

// Redis stopped (SIGKILL) under real worker processes, then started again on the same port.
const bed = useRedisAndFake();
const workers = useWorkers(bed);
afterEach(() => bed.redis.start());

const STORE_TIMEOUT_MS = 200;
const SLOW = { 'x-fake-latency': 'ttft=150; per-token=0' };
/** A call may wait one store deadline, plus the machine's own slowness (two cores shared by several test runs). */
const SLACK_MS = 800;

function spawn(n: number, options: WorkerConfig['options']): Promise<Worker[]> {
  return workers.spawn(n, workers.config({ storeTimeoutMs: STORE_TIMEOUT_MS, ...options }));
}

const warnings = (w: Worker) => w.stderr().split('AIOTEL_STORE_UNAVAILABLE').length - 1;

describe('when Redis fails', () => {
  it("Redis stopped mid-run: calls go on with in-process policies, none waits past the store's deadline, one warning; restarted: the shared bulkhead holds again", async () => {
    const ws = await spawn(2, { bulkhead: { limit: 4 } });
    for (const r of await Promise.all(ws.map((w) => w.run({ calls: 10, concurrency: 4 })))) {
      expect(r.every((x) => x.ok)).toBe(true);
    }

    await bed.redis.stop();
    const during = (await Promise.all(ws.map((w) => w.run({ calls: 40, concurrency: 8 })))).flat();
    expect(during.filter((r) => !r.ok)).toEqual([]);
    expect(Math.max(...during.map((r) => r.ms))).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
    // Each process warned once for the outage, though every call ran during it.
    for (const w of ws) expect(warnings(w)).toBe(1);

    await bed.redis.start();
    // Sharing resumes without a restart: within a few of the store's once-a-second retries and ioredis's reconnect.
    const deadline = Date.now() + 15_000;
    let held = false;
    while (!held && Date.now() < deadline) {
      bed.fake.reset();
      const rounds = await Promise.all(ws.map((w) => w.run({ calls: 8, concurrency: 8, headers: SLOW })));
      expect(rounds.flat().filter((r) => !r.ok)).toEqual([]);
      held = bed.fake.stats().maxInFlight <= 4;
    }
    expect(held).toBe(true);
    for (const w of ws) expect(warnings(w)).toBe(1);
  });

  it("with onStoreUnavailable: 'reject', calls are refused with StoreUnavailableError at once and nothing is sent", async () => {
    const [w] = await spawn(1, { onStoreUnavailable: 'reject' });
    await bed.redis.stop();
    const results = await w!.run({ calls: 3 });
    expect(results.map((r) => r.error)).toEqual([
      'StoreUnavailableError',
      'StoreUnavailableError',
      'StoreUnavailableError',
    ]);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
    expect(bed.fake.stats().totalRequests).toBe(0);
  });

  it("with onStoreUnavailable: 'reject', calls queued for a shared slot fail with StoreUnavailableError when Redis goes", async () => {
    const [w] = await spawn(1, { onStoreUnavailable: 'reject', bulkhead: { limit: 1 } });
    const run = w!.run({ calls: 4, concurrency: 4, headers: { 'x-fake-latency': 'ttft=1500; per-token=0' } });
    await until(() => bed.fake.stats().inFlight === 1, 'the first call to hold the slot');
    await bed.redis.stop();
    const results = await run;
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual([
      'StoreUnavailableError',
      'StoreUnavailableError',
      'StoreUnavailableError',
    ]);
    expect(bed.fake.stats().totalRequests).toBe(1);
  });
});
