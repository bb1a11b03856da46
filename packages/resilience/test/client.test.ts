import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, resilient, unwrapRefusal } from '../src/index.js';
import { CHAT, chatRequests, client, fault, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

describe('resilient(client)', () => {
  it('returns a client of the same type and leaves the given one unchanged', async () => {
    const original = new OpenAI({ baseURL: ctx.fake.url, apiKey: 'test' });
    const fetchBefore = (original as unknown as { fetch: unknown }).fetch;
    const wrapped = resilient(original, { retry: { maxRetries: 0 } });
    expect(wrapped).toBeInstanceOf(OpenAI);
    expect(wrapped).not.toBe(original);
    expect(original.maxRetries).toBe(2);
    expect((original as unknown as { fetch: unknown }).fetch).toBe(fetchBefore);
    expect(Object.hasOwn(original.chat.completions, 'create')).toBe(false);
    expect(wrapped.maxRetries).toBe(0);
  });

  it("turns the SDK's own retries off: one retry loop, ours", async () => {
    const c = client(ctx.fake, { retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 } });
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    // Ours: 1 + 2 retries. Two nested loops would make (1 + 2) * (1 + 2) = 9 requests.
    expect(chatRequests(ctx.fake)).toHaveLength(3);
  });

  it('numbers each attempt in x-stainless-retry-count, as the SDK would', async () => {
    const c = client(ctx.fake);
    await c.chat.completions.create(
      CHAT,
      fault('status=500', { 'x-fake-scenario': 'count', 'x-fake-fault-times': '2' }),
    );
    expect(chatRequests(ctx.fake).map((r) => r.retryCount)).toEqual([0, 1, 2]);
  });

  it('refuses to wrap a resilient client again', () => {
    const c = client(ctx.fake);
    expect(() => resilient(c)).toThrow(/already resilient/);
  });

  it('works for responses and embeddings, streaming and not', async () => {
    const c = client(ctx.fake);
    const r = await c.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(r.output_text.length).toBeGreaterThan(0);
    const e = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    expect(e.data[0]?.embedding.length).toBeGreaterThan(0);
    const s = await c.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of s) types.push(event.type);
    expect(types).toContain('response.completed');
  });

  it('keeps withResponse() working', async () => {
    const c = client(ctx.fake);
    const { data, response } = await c.chat.completions.create(CHAT).withResponse();
    expect(response.status).toBe(200);
    expect(data.choices.length).toBe(1);
  });
});

describe('unwrapRefusal', () => {
  it('finds our refusal inside the errors of SDK helpers that are not wrapped', async () => {
    const c = client(ctx.fake, { retry: false, circuitBreaker: { consecutiveFailures: 1 } });
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    const helperError = await rejection(c.chat.completions.stream(CHAT).finalChatCompletion());
    expect(helperError).not.toBeInstanceOf(CircuitOpenError);
    expect(unwrapRefusal(helperError)).toBeInstanceOf(CircuitOpenError);
    const plain = new Error('x');
    expect(unwrapRefusal(plain)).toBe(plain);
  });
});

describe('with every policy off', () => {
  it('passes calls straight through, streams included, and does not retry', async () => {
    const c = client(ctx.fake, { retry: false, circuitBreaker: false, bulkhead: false, timeout: false });
    expect((await c.chat.completions.create(CHAT)).choices).toHaveLength(1);
    const stream = await c.chat.completions.create({ ...CHAT, stream: true });
    let chunks = 0;
    for await (const _ of stream) chunks++;
    expect(chunks).toBeGreaterThan(1);
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    expect(chatRequests(ctx.fake)).toHaveLength(3);
  });
});

describe('a streamed upload', () => {
  it('is sent once, never replayed, since its body can be read only once', async () => {
    const c = client(ctx.fake);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(CHAT)));
        controller.close();
      },
    });
    const err = await rejection(
      c.post('/chat/completions', {
        body,
        headers: { 'content-type': 'application/json', 'x-fake-fault': 'status=500' },
      }),
    );
    // The provider's answer, not the failure of a replay whose body was already used.
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });
});

describe('a per-request maxRetries', () => {
  it('does not start a second retry loop on a response our loop gave up on', async () => {
    const c = client(ctx.fake, { retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 } });
    const err = await rejection(c.chat.completions.create(CHAT, { ...fault('status=500'), maxRetries: 3 }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    // Ours: 2 requests. The SDK retrying our final answer 3 more times would make 8.
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });
});
