import { resilient } from '@aiotel/resilience';
import type { Redis } from 'ioredis';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { redisStore } from '../src/index.js';
import { useRedisAndFake } from './bed.js';

const bed = useRedisAndFake();

/** The client with a count of the commands the store sends (each awaited: one round trip). */
function counting(client: Redis): { client: Redis; sent: string[] } {
  const sent: string[] = [];
  const proxy = new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (
        typeof value !== 'function' ||
        !['evalsha', 'eval', 'get', 'hmget', 'zrem'].includes(String(name))
      ) {
        return value;
      }
      return (...args: unknown[]) => {
        sent.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client: proxy, sent };
}

describe('round trips', () => {
  it('an ordinary call (default policies) costs two: the bulkhead acquire and release', async () => {
    const { client, sent } = counting(bed.redis.client());
    const c = resilient(new OpenAI({ baseURL: bed.fake.url, apiKey: 'test' }), {
      store: redisStore(client, { prefix: 'rt:' }),
      storeCacheMs: 60_000,
    });
    await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    // The first call also reads the provider window and the breaker (then trusted for storeCacheMs).
    const first = sent.length;
    expect(first).toBeLessThanOrEqual(5);
    for (let i = 0; i < 20; i++) {
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    }
    expect(sent.length - first).toBe(40);
  });

  it('with storeCacheMs: 0 every call also reads the provider window and the breaker: four', async () => {
    const { client, sent } = counting(bed.redis.client());
    const c = resilient(new OpenAI({ baseURL: bed.fake.url, apiKey: 'test' }), {
      store: redisStore(client, { prefix: 'rt0:' }),
      storeCacheMs: 0,
    });
    for (let i = 0; i < 5; i++) {
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    }
    expect(sent.filter((s) => s !== 'eval')).toHaveLength(20);
  });
});
