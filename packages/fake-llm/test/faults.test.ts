import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../src/index.js';

let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm({ latency: false });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => fake.close());

const messages = [{ role: 'user' as const, content: 'Tell me about the sea' }];

/** The error a chat call with this fault header rejects with. */
async function chatError(fault: string, extra: Record<string, string> = {}): Promise<unknown> {
  try {
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      { headers: { 'x-fake-fault': fault, ...extra } },
    );
  } catch (error) {
    return error;
  }
  throw new Error(`fault "${fault}" did not fail the call`);
}

/** The error a streamed chat call with this fault rejects with, and the chunks seen before it. */
async function streamError(
  fault: string,
  create: () => Promise<AsyncIterable<unknown>> = () =>
    client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { 'x-fake-fault': fault, 'x-fake-tokens': '20' } },
    ),
): Promise<{ error: unknown; chunks: number }> {
  let chunks = 0;
  try {
    for await (const _ of await create()) chunks++;
  } catch (error) {
    return { error, chunks };
  }
  throw new Error(`fault "${fault}" did not break the stream (${chunks} chunks)`);
}

describe('status faults', () => {
  it('429 with retry-after seconds is a RateLimitError whose headers carry Retry-After', async () => {
    const error = await chatError('status=429; retry-after=2');
    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimit = error as RateLimitError;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers.get('retry-after')).toBe('2');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.requestID).toMatch(/^req_/);
    expect(rateLimit.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('429 with retry-after-ms sends the millisecond header', async () => {
    const error = (await chatError('status=429; retry-after-ms=1500')) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers.get('retry-after-ms')).toBe('1500');
    expect(error.headers.get('retry-after')).toBeNull();
  });

  it('429 with an HTTP-date retry-after passes the date through', async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    const error = (await chatError(`status=429; retry-after=${date}`)) as RateLimitError;
    expect(error.headers.get('retry-after')).toBe(date);
  });

  it('429 type=insufficient_quota carries the quota body', async () => {
    const error = (await chatError('status=429; type=insufficient_quota')) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('insufficient_quota');
    expect(error.type).toBe('insufficient_quota');
  });

  it('529 is an InternalServerError with the Anthropic overloaded body', async () => {
    const error = (await chatError('status=529')) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(529);
    // The SDK unwraps the body's `error` member; the raw body is Anthropic's envelope.
    expect(error.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    const raw = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-fault': 'status=529' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', messages }),
    });
    expect(await raw.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it.each([
    [400, BadRequestError, 'invalid_request_error', null],
    [401, AuthenticationError, 'invalid_request_error', 'invalid_api_key'],
    [403, PermissionDeniedError, 'request_forbidden', 'unsupported_country_region_territory'],
    [404, NotFoundError, 'invalid_request_error', 'model_not_found'],
    [422, UnprocessableEntityError, 'invalid_request_error', null],
    [500, InternalServerError, 'server_error', null],
    [503, InternalServerError, 'server_error', 'service_unavailable'],
  ] as const)(
    '%i becomes the SDK error for that status with OpenAI type and code',
    async (status, ErrorClass, type, code) => {
      const error = (await chatError(`status=${status}`)) as APIError;
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error.status).toBe(status);
      expect(error.type).toBe(type);
      expect(error.code).toBe(code);
    },
  );

  it('x-should-retry=false is sent so the SDK does not retry a 500', async () => {
    const retrying = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 2 });
    fake.reset();
    await expect(
      retrying.chat.completions.create(
        { model: 'gpt-4o-mini', messages },
        { headers: { 'x-fake-fault': 'status=500; x-should-retry=false' } },
      ),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(fake.stats().totalRequests).toBe(1);
  });

  it('x-should-retry=true makes the SDK retry a 400', async () => {
    const retrying = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 1 });
    fake.reset();
    await expect(
      retrying.chat.completions.create(
        { model: 'gpt-4o-mini', messages },
        { headers: { 'x-fake-fault': 'status=400; x-should-retry=true; retry-after-ms=0' } },
      ),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(fake.stats().requests.map((r) => r.retryCount)).toEqual([0, 1]);
  });

  it('an unknown fault part is a 400 explaining the header, not a silent success', async () => {
    const error = (await chatError('status=429; retry-aftr=2')) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain('retry-aftr');
  });
});

describe('connection faults', () => {
  it('reset is an APIConnectionError', async () => {
    expect(await chatError('reset')).toBeInstanceOf(APIConnectionError);
    expect(fake.stats().requests.at(-1)?.outcome).toBe('reset');
  });

  it('hang is an APIConnectionTimeoutError with a short SDK timeout', async () => {
    const impatient = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0, timeout: 100 });
    await expect(
      impatient.chat.completions.create(
        { model: 'gpt-4o-mini', messages },
        { headers: { 'x-fake-fault': 'hang' } },
      ),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    await expect.poll(() => fake.stats().inFlight).toBe(0);
    expect(fake.stats().requests.at(-1)?.outcome).toBe('hang');
  });

  it('slow-headers delays the answer past a short SDK timeout', async () => {
    const impatient = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0, timeout: 100 });
    await expect(
      impatient.chat.completions.create(
        { model: 'gpt-4o-mini', messages },
        { headers: { 'x-fake-fault': 'slow-headers=2000' } },
      ),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    const patient = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      { headers: { 'x-fake-fault': 'slow-headers=20' } },
    );
    expect(patient.choices).toHaveLength(1);
  });

  it('malformed answers 200 with a body the SDK cannot parse', async () => {
    const error = await chatError('malformed');
    expect(error).toBeInstanceOf(SyntaxError);
  });
});

describe('stream faults', () => {
  it('cut-after breaks the for-await after that many events', async () => {
    const { error, chunks } = await streamError('cut-after=5');
    expect(error).toBeInstanceOf(TypeError);
    expect(chunks).toBe(5);
    expect(fake.stats().requests.at(-1)?.outcome).toBe('cut');
  });

  it('sse-error-after throws an APIError after that many events', async () => {
    const { error, chunks } = await streamError('sse-error-after=4');
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('server_error');
    expect(chunks).toBe(4);
  });

  it('sse-error-after on a Responses stream throws an APIError too', async () => {
    const { error, chunks } = await streamError('sse-error-after=3', () =>
      client.responses.create(
        { model: 'gpt-4o-mini', input: 'hello', stream: true },
        { headers: { 'x-fake-fault': 'sse-error-after=3' } },
      ),
    );
    expect(error).toBeInstanceOf(APIError);
    expect(chunks).toBe(3);
  });

  it('stall-after keeps the socket open without more events, until the client gives up', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true },
      { headers: { 'x-fake-fault': 'stall-after=2', 'x-fake-tokens': '20' } },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const third = await Promise.race([
      iterator.next().then(() => 'chunk'),
      new Promise((resolve) => setTimeout(resolve, 150, 'stalled')),
    ]);
    expect(third).toBe('stalled');
    expect(fake.stats().inFlight).toBeGreaterThan(0);
    stream.controller.abort();
    await expect.poll(() => fake.stats().requests.at(-1)?.outcome).toBe('stalled');
  });

  it('malformed on a stream makes the SDK throw while reading', async () => {
    const { error } = await streamError('malformed');
    expect(error).toBeInstanceOf(SyntaxError);
  });
});

describe('scenarios', () => {
  it('fails the first N requests of a scenario, then succeeds', async () => {
    const headers = { 'x-fake-fault': 'status=503', 'x-fake-scenario': 'flaky-1', 'x-fake-fault-times': '2' };
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        await client.chat.completions.create({ model: 'gpt-4o-mini', messages }, { headers });
        outcomes.push('ok');
      } catch (error) {
        outcomes.push(String((error as APIError).status));
      }
    }
    expect(outcomes).toEqual(['503', '503', 'ok', 'ok']);
  });

  it('lets the SDK retry through a scenario, with the retry count logged', async () => {
    const retrying = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 3 });
    fake.reset();
    const completion = await retrying.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      {
        headers: {
          'x-fake-fault': 'status=429; retry-after-ms=1',
          'x-fake-scenario': 'retry-twice',
          'x-fake-fault-times': '2',
        },
      },
    );
    expect(completion.choices).toHaveLength(1);
    const log = fake.stats().requests;
    expect(log.map((r) => [r.retryCount, r.status])).toEqual([
      [0, 429],
      [1, 429],
      [2, 200],
    ]);
  });
});

describe('server-wide fault rates', () => {
  async function run(seed: number): Promise<string[]> {
    const flaky = await startFakeLlm({ latency: false, faults: { rate429: 0.3, rate500: 0.2, seed } });
    try {
      const sdk = new OpenAI({ baseURL: flaky.url, apiKey: 'test', maxRetries: 0 });
      const results: string[] = [];
      for (let i = 0; i < 40; i++) {
        try {
          await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages });
          results.push('ok');
        } catch (error) {
          results.push(String((error as APIError).status));
        }
      }
      return results;
    } finally {
      await flaky.close();
    }
  }

  it('injects faults at the configured rates, replaying the same sequence for the same seed', async () => {
    const first = await run(42);
    const second = await run(42);
    const other = await run(7);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).toContain('429');
    expect(first).toContain('500');
    expect(first).toContain('ok');
  });
});

describe('api key check', () => {
  it('answers 401 invalid_api_key for a wrong key and serves the right one', async () => {
    const guarded = await startFakeLlm({ latency: false, apiKey: 'sk-right-key-123456' });
    try {
      const wrong = new OpenAI({ baseURL: guarded.url, apiKey: 'sk-wrong-key-123456', maxRetries: 0 });
      const error = await wrong.chat.completions
        .create({ model: 'gpt-4o-mini', messages })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).code).toBe('invalid_api_key');
      expect((error as AuthenticationError).message).not.toContain('sk-wrong-key-123456');
      const right = new OpenAI({ baseURL: guarded.url, apiKey: 'sk-right-key-123456', maxRetries: 0 });
      expect((await right.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices).toHaveLength(
        1,
      );
      const missing = await fetch(`${guarded.url}/models`);
      expect(missing.status).toBe(401);
      // As the real API: a missing key is an invalid_request_error with code null.
      const body = (await missing.json()) as { error: { message: string; code: string | null } };
      expect(body.error.message).toMatch(/^You didn't provide an API key\./);
      expect(body.error.code).toBeNull();
    } finally {
      await guarded.close();
    }
  });
});
