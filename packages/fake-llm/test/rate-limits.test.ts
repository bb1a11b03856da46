import OpenAI, { RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../src/index.js';
import { formatReset, RateLimiter } from '../src/rate-limits.js';

let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm({ latency: false, rateLimits: { requestsPerMinute: 3 } });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => fake.close());

const messages = [{ role: 'user' as const, content: 'hello' }];

describe('enforced rate limits', () => {
  it('counts remaining requests down in the headers, then answers 429 with retry-after', async () => {
    fake.reset();
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.type).toBe('requests');
    // One request comes back every 20 s at 3 per minute.
    expect(Number(limited.headers.get('retry-after'))).toBe(20);
    expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(19_000);
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(fake.stats().requests.at(-1)?.fault).toBe('rate-limit=requests');
  });

  it('limits each model on its own and refills on reset', async () => {
    fake.reset();
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-4o', messages });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect((await client.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices).toHaveLength(
      1,
    );
    fake.reset();
    expect((await client.chat.completions.create({ model: 'gpt-4o', messages })).choices).toHaveLength(1);
  });

  it('refuses with type tokens once the tokens per minute are spent', async () => {
    const tight = await startFakeLlm({ latency: false, rateLimits: { tokensPerMinute: 40 } });
    try {
      const sdk = new OpenAI({ baseURL: tight.url, apiKey: 'test', maxRetries: 0 });
      const first = await sdk.chat.completions
        .create({ model: 'gpt-4o', messages }, { headers: { 'x-fake-tokens': '50' } })
        .withResponse();
      expect(first.response.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
      const error = (await sdk.chat.completions
        .create({ model: 'gpt-4o', messages })
        .catch((e: unknown) => e)) as RateLimitError;
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.type).toBe('tokens');
    } finally {
      await tight.close();
    }
  });
});

describe('RateLimiter', () => {
  it('refills continuously over the minute', () => {
    const limiter = new RateLimiter({ requestsPerMinute: 2 });
    expect(limiter.admit('m', 0)).toBeUndefined();
    expect(limiter.admit('m', 0)).toBeUndefined();
    expect(limiter.admit('m', 1000)?.kind).toBe('requests');
    expect(limiter.admit('m', 30_000)).toBeUndefined();
  });

  it('formats waits the way OpenAI headers do', () => {
    expect(formatReset(12)).toBe('12ms');
    expect(formatReset(1500)).toBe('1.5s');
    expect(formatReset(360_000)).toBe('6m0s');
  });
});
