import { resilient } from '@aiotel/resilience';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT, useFakeLlm, useTelemetry } from '../../resilience/test/helpers.js';
import { redisStore } from '../src/index.js';
import { type RedisServer, startRedis } from './redis-server.js';

const ctx = useFakeLlm();
const otel = useTelemetry();
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

const sum = (points: { value: unknown }[]) => points.reduce((s, p) => s + (p.value as number), 0);

describe('store telemetry (real redis-server)', () => {
  it('store latency per operation; a shared bulkhead wait is a span event with scope shared', async () => {
    const c = resilient(new OpenAI({ baseURL: ctx.fake.url, apiKey: 'test' }), {
      store: redisStore(redis.client(), { prefix: 'tel1:' }),
      bulkhead: { limit: 1 },
    });
    const slow = { headers: { 'x-fake-latency': 'ttft=100; per-token=0' } };
    const first = c.chat.completions.create(CHAT, slow);
    const { span } = await otel.inSpan(() => c.chat.completions.create(CHAT, slow));
    await first;
    const queued = span.events.find((e) => e.name === 'aiotel.bulkhead.queued');
    expect(queued?.attributes).toMatchObject({ 'aiotel.policy.scope': 'shared' });
    const durations = await otel.points('aiotel.resilience.store.duration');
    const operations = durations.map((p) => p.attributes['aiotel.store.operation']);
    expect(operations).toEqual(
      expect.arrayContaining(['acquire_slot', 'release_slot', 'breaker_read', 'held_until']),
    );
    expect(await otel.points('aiotel.resilience.store.errors')).toEqual([]);
  });

  it('an outage: error counter, one outage, an event on the call that met it; the call succeeds', async () => {
    const c = resilient(new OpenAI({ baseURL: ctx.fake.url, apiKey: 'test' }), {
      store: redisStore(redis.client(), { prefix: 'tel2:' }),
      storeTimeoutMs: 300,
    });
    await c.chat.completions.create(CHAT);
    await redis.stop();
    try {
      const { span, error } = await otel.inSpan(() => c.chat.completions.create(CHAT));
      expect(error).toBeUndefined();
      const event = span.events.find((e) => e.name === 'aiotel.store.unavailable');
      expect(event?.attributes?.['aiotel.store.operation']).toBeTypeOf('string');
      for (let i = 0; i < 3; i++) await c.chat.completions.create(CHAT);
      expect(sum(await otel.points('aiotel.resilience.store.outages'))).toBe(1);
      expect(sum(await otel.points('aiotel.resilience.store.errors'))).toBeGreaterThanOrEqual(1);
    } finally {
      await redis.start();
    }
  });
});
