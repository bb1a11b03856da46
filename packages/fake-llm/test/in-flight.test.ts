import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../src/index.js';

let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  // Enough latency that 50 parallel requests overlap even on a busy machine (all 50 must arrive before the first
  // answer), little enough to keep the suite quick.
  fake = await startFakeLlm({ latency: { ttftMs: 500, tokenMs: 0 } });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => fake.close());

const messages = [{ role: 'user' as const, content: 'hello' }];

describe('in-flight tracking', () => {
  it('counts 50 overlapping requests as a maximum of 50 in flight', async () => {
    fake.reset();
    await Promise.all(
      Array.from({ length: 50 }, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages })),
    );
    const stats = fake.stats();
    expect(stats.maxInFlight).toBe(50);
    expect(stats.inFlight).toBe(0);
    expect(stats.totalRequests).toBe(50);
    expect(stats.outcomes.ok).toBe(50);
  });

  it('counts 50 requests held open at once as 50 in flight, whatever the machine load', async () => {
    fake.reset();
    const controller = new AbortController();
    const pending = Array.from({ length: 50 }, () =>
      client.chat.completions
        .create(
          { model: 'gpt-4o-mini', messages },
          { signal: controller.signal, headers: { 'x-fake-fault': 'hang' } },
        )
        .catch(() => 'aborted'),
    );
    // No deadline to race: the requests stay open until all 50 are counted.
    await expect.poll(() => fake.stats().inFlight, { timeout: 30_000 }).toBe(50);
    controller.abort();
    expect(await Promise.all(pending)).toEqual(Array(50).fill('aborted'));
    await expect.poll(() => fake.stats().inFlight, { timeout: 30_000 }).toBe(0);
    expect(fake.stats().maxInFlight).toBe(50);
    expect(fake.stats().totalRequests).toBe(50);
  });

  it('counts sequential requests as a maximum of 1 in flight', async () => {
    fake.reset();
    for (let i = 0; i < 5; i++) {
      await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages },
        { headers: { 'x-fake-latency': 'off' } },
      );
    }
    expect(fake.stats().maxInFlight).toBe(1);
    expect(fake.stats().totalRequests).toBe(5);
  });

  it('keeps a stream in flight until its body ends', async () => {
    fake.reset();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { 'x-fake-latency': 'ttft=0; per-token=30', 'x-fake-tokens': '5' } },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(fake.stats().inFlight).toBe(1);
    while (!(await iterator.next()).done) {
      // drain
    }
    await expect.poll(() => fake.stats().inFlight).toBe(0);
    expect(fake.stats().requests[0]?.outcome).toBe('ok');
  });
});

describe('request log', () => {
  it('records path, model, stream, status, retry count and whether authorization was present, never the key', async () => {
    fake.reset();
    await client.chat.completions.create(
      { model: 'gpt-4o', messages },
      { headers: { 'x-fake-latency': 'off' } },
    );
    const [entry] = fake.stats().requests;
    expect(entry).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      stream: false,
      status: 200,
      outcome: 'ok',
      retryCount: 0,
      hasAuthorization: true,
    });
    expect(entry?.requestId).toMatch(/^req_/);
    expect(entry?.endedAt).toBeGreaterThanOrEqual(entry?.startedAt ?? Number.POSITIVE_INFINITY);
    expect(JSON.stringify(fake.stats())).not.toContain('Bearer');
  });

  it('keeps only the newest logLimit entries', async () => {
    const small = await startFakeLlm({ latency: false, logLimit: 3 });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${small.url}/models`);
      const stats = small.stats();
      expect(stats.totalRequests).toBe(5);
      expect(stats.requests.map((r) => r.seq)).toEqual([3, 4, 5]);
    } finally {
      await small.close();
    }
  });

  it('serves stats and reset over HTTP', async () => {
    await fetch(`${fake.url}/models`);
    const base = fake.url.replace(/\/v1$/, '');
    const stats = (await (await fetch(`${base}/fake/stats`)).json()) as { totalRequests: number };
    expect(stats.totalRequests).toBeGreaterThan(0);
    expect((await fetch(`${base}/fake/reset`, { method: 'POST' })).status).toBe(200);
    expect(fake.stats().totalRequests).toBe(0);
  });
});
