import { describe, expect, it } from 'vitest';
import { JIT_MS, mostInAnyWindow } from '../../resilience/test/arrivals.js';
import { startWindowServer } from '../../resilience/test/window-server.js';
import { until, useRedisAndFake, useWorkers } from './bed.js';
import type { CallResult, WorkerConfig } from './workers.js';

// Each test: real worker processes (the built packages) on one real redis-server, against the fake LLM server.
const bed = useRedisAndFake();
// A worker that fell back to in-process limits says so: the test's figures would not be the shared ones.
const workers = useWorkers(bed, (ws) =>
  expect(ws.filter((w) => w.stderr().includes('AIOTEL_STORE_UNAVAILABLE'))).toEqual([]),
);

/**
 * The store's deadline is long here: on a loaded machine a 250 ms deadline can expire and the processes fall back
 * to their own limits (store-failure.test.ts).
 */
function config(options: WorkerConfig['options'], baseURL?: string): WorkerConfig {
  return workers.config({ storeTimeoutMs: 2_000, ...options }, baseURL);
}
const spawn = workers.spawn;

const SLOW = { 'x-fake-latency': 'ttft=150; per-token=0' };
const errors = (results: CallResult[]) => results.filter((r) => !r.ok);

describe('shared limits across processes (redis-server)', () => {
  it('bulkhead: 3 processes x 30 concurrent slow calls, global limit 6: never more than 6 in flight, at least 5', async () => {
    const ws = await spawn(3, config({ bulkhead: { limit: 6 } }));
    const results = (
      await Promise.all(ws.map((w) => w.run({ calls: 30, concurrency: 30, headers: SLOW })))
    ).flat();
    expect(errors(results)).toEqual([]);
    expect(bed.fake.stats().totalRequests).toBe(90);
    expect(bed.fake.stats().maxInFlight).toBeLessThanOrEqual(6);
    // Shared, not split 2/2/2.
    expect(bed.fake.stats().maxInFlight).toBeGreaterThanOrEqual(5);
  });

  it('without the store the same processes let 3 x 6 through: the check above can fail', async () => {
    const ws = await spawn(3, { ...config({ bulkhead: { limit: 6 } }), noStore: true });
    await Promise.all(ws.map((w) => w.run({ calls: 12, concurrency: 12, headers: SLOW })));
    expect(bed.fake.stats().maxInFlight).toBeGreaterThan(6);
  });

  it('rate limit: 5 a second across 3 processes: the server never sees more in any second; calls waited, none failed', async () => {
    const ws = await spawn(3, config({ rateLimit: { requestsPerMinute: 300, windowMs: 1_000 } }));
    const results = (await Promise.all(ws.map((w) => w.run({ calls: 6, concurrency: 6 })))).flat();
    expect(errors(results)).toEqual([]);
    const arrivals = bed.fake.stats().requests.map((r) => r.startedAt);
    expect(arrivals).toHaveLength(18);
    // The limit holds when requests are let through; they reach the server a few ms apart (JIT_MS of slack).
    expect(mostInAnyWindow(arrivals, 1_000 - JIT_MS)).toBeLessThanOrEqual(5);
    // 18 calls at 5 a second: the last ones waited about 3 s.
    expect(Math.max(...results.map((r) => r.ms))).toBeGreaterThanOrEqual(2_500);
  });

  it('provider window: remaining-requests 0 with a 2 s reset: no process sends before the reset, every call succeeds', async () => {
    const provider = await startWindowServer(2_000);
    try {
      const c = config({ retry: false }, provider.url);
      const [a, ...others] = await spawn(3, c);
      expect(errors(await a!.run({ calls: 1 }))).toEqual([]);
      const resetAt = provider.resetAt();
      // A writes the hold as its response arrives; the others see it once it is in Redis (a round trip later).
      const redis = bed.redis.client();
      const deadline = Date.now() + 5_000;
      while ((await redis.keys(`${c.prefix}window:*`)).length === 0) {
        if (Date.now() > deadline) throw new Error('the hold never reached Redis');
        await new Promise((r) => setTimeout(r, 5));
      }
      const results = (
        await Promise.all([a!, ...others].map((w) => w.run({ calls: 3, concurrency: 3 })))
      ).flat();
      expect(errors(results)).toEqual([]);
      expect(provider.early()).toBe(0);
      for (const at of provider.arrivals.slice(1)) expect(at).toBeGreaterThanOrEqual(resetAt);
    } finally {
      await provider.close();
    }
  });

  it('budget: one total for 3 processes; spending stops at the budget, overshoot bounded by calls in flight; each gets BudgetExceededError', async () => {
    // One dollar per prompt token: a call's cost is its prompt tokens, as the server counts them.
    const budgetUsd = 100;
    const ws = await spawn(
      3,
      config({ budget: { usd: budgetUsd }, prices: { 'gpt-4o-mini': { input: 1_000_000, output: 0 } } }),
    );
    const results = await Promise.all(ws.map((w) => w.run({ calls: 40, concurrency: 1 })));
    for (const r of results) expect(r.some((x) => x.error === 'BudgetExceededError')).toBe(true);
    const served = bed.fake.stats().requests;
    const perCall = served[0]!.promptTokens!;
    const spent = served.reduce((sum, r) => sum + (r.promptTokens ?? 0), 0);
    expect(spent).toBeGreaterThanOrEqual(budgetUsd);
    // Each process has one call in flight at most: at most 3 calls past the budget.
    expect(spent).toBeLessThan(budgetUsd + 3 * perCall + perCall);
    // Without sharing each process would spend the budget: 3x as many calls.
    expect(served.length).toBeLessThan(Math.ceil(budgetUsd / perCall) + 4);
  });

  it('breaker: opened by faults in process A, process B fails fast and sends nothing; one probe closes it for both', async () => {
    const c = config({ circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_500 }, retry: false });
    const [a, b] = await spawn(2, c);
    const faults = await a!.run({ calls: 3, headers: { 'x-fake-fault': 'status=500' } });
    expect(faults.map((r) => r.status)).toEqual([500, 500, 500]);
    const opened = Date.now();
    expect((await b!.run({ calls: 2 })).map((r) => r.error)).toEqual([
      'CircuitOpenError',
      'CircuitOpenError',
    ]);
    expect(bed.fake.stats().totalRequests).toBe(3);
    await new Promise((r) => setTimeout(r, Math.max(0, opened + 1_600 - Date.now())));
    // B's call is the probe; it succeeds and closes the breaker for A too.
    expect(errors(await b!.run({ calls: 1 }))).toEqual([]);
    expect(errors(await a!.run({ calls: 2 }))).toEqual([]);
    expect(bed.fake.stats().totalRequests).toBe(6);
  });

  it('kill -9 of a process holding slots: they come back within leaseMs', async () => {
    const leaseMs = 1_000;
    const c = config({ bulkhead: { limit: 2, leaseMs }, timeout: { attemptMs: false } });
    const [holder, waiter] = await spawn(2, c);
    void holder!
      .run({ calls: 2, concurrency: 2, headers: { 'x-fake-latency': 'ttft=60000' } })
      .catch(() => undefined);
    await until(() => bed.fake.stats().inFlight === 2, 'the holder to take both slots');
    holder!.process.kill('SIGKILL');
    const killed = Date.now();
    const [result] = await waiter!.run({ calls: 1 });
    expect(result!.ok).toBe(true);
    // It waited for the dead holder's leases, and got a slot within leaseMs (plus one poll and a loaded machine: the
    // bound is 3.5 s, far below the 30 s default lease it would wait for if this lease were not the one applied).
    expect(Date.now() - killed).toBeGreaterThanOrEqual(leaseMs / 3);
    expect(Date.now() - killed).toBeLessThan(leaseMs + 2_500);
  });
});
