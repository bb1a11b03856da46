import { resilient } from '@aiotel/resilience';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { useRedisAndFake } from './bed.js';

const bed = useRedisAndFake();

describe('bulkhead leases', () => {
  it('a stream longer than leaseMs keeps its shared slot: it renews the lease while it is read', async () => {
    const options = { bulkhead: { limit: 1, leaseMs: 300 }, storeTimeoutMs: 2_000 };
    // Two clients with their own store objects on one Redis and prefix: two holders of one semaphore.
    const a = resilient(new OpenAI({ baseURL: bed.fake.url, apiKey: 'test' }), {
      ...options,
      store: redisStore(bed.redis.client(), { prefix: 'lease:' }),
    });
    const b = resilient(new OpenAI({ baseURL: bed.fake.url, apiKey: 'test' }), {
      ...options,
      store: redisStore(bed.redis.client(), { prefix: 'lease:' }),
    });
    const model = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    // About 1.5 s of stream: five leases long.
    const stream = await a.chat.completions.create(
      { ...model, stream: true },
      { headers: { 'x-fake-latency': 'ttft=10; per-token=100', 'x-fake-tokens': '15' } },
    );
    const other = b.chat.completions.create(model);
    for await (const _ of stream);
    await other;
    const [first, second] = bed.fake.stats().requests;
    expect(bed.fake.stats().maxInFlight).toBe(1);
    expect(second!.startedAt).toBeGreaterThanOrEqual(first!.endedAt! - 5);
  });
});
