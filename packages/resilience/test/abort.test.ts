import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CHAT, chatRequests, client, fault, rejection, until, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();
/** "At once": far below the 20–30 s waits these tests tell apart, wide enough for a stalled CI host. */
const PROMPT_MS = 5_000;

describe("a caller's abort", () => {
  it('during a backoff wait returns at once, ends the wait and sends nothing more', async () => {
    // One slot and no queue: the next call is refused unless the aborted call really stopped waiting.
    const c = client(ctx.fake, {
      retry: { maxRetries: 3, initialDelayMs: 20_000, maxDelayMs: 30_000 },
      bulkhead: { limit: 1, queue: 0 },
    });
    const controller = new AbortController();
    const call = c.chat.completions.create(CHAT, { ...fault('status=503'), signal: controller.signal });
    await until(() => chatRequests(ctx.fake)[0]?.endedAt !== undefined, 'the first attempt');
    await new Promise((r) => setTimeout(r, 20));
    const aborted = performance.now();
    controller.abort();
    const err = await rejection(call);
    expect(performance.now() - aborted).toBeLessThan(PROMPT_MS);
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await c.chat.completions.create(CHAT)).choices).toHaveLength(1);
  });

  it('during a Retry-After wait returns at once and ends the wait', async () => {
    // Without the provider window, which would hold the next call for the 429's 30 s (provider-window.test.ts).
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 0 }, providerWindow: false });
    const controller = new AbortController();
    const call = c.chat.completions.create(CHAT, {
      ...fault('status=429; retry-after=30'),
      signal: controller.signal,
    });
    await until(() => chatRequests(ctx.fake)[0]?.endedAt !== undefined, 'the first attempt');
    await new Promise((r) => setTimeout(r, 20));
    const aborted = performance.now();
    controller.abort();
    expect(await rejection(call)).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(performance.now() - aborted).toBeLessThan(PROMPT_MS);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await c.chat.completions.create(CHAT)).choices).toHaveLength(1);
  });

  it('in the bulkhead queue returns at once, and the call is never sent', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 5 } });
    const holder = new AbortController();
    // Holds the only slot until the test lets it go.
    const first = c.chat.completions.create(CHAT, { ...fault('hang'), signal: holder.signal });
    const controller = new AbortController();
    const queued = c.chat.completions.create(CHAT, { signal: controller.signal });
    await until(() => chatRequests(ctx.fake).length === 1, 'the first call to reach the server');
    const aborted = performance.now();
    controller.abort();
    expect(await rejection(queued)).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(performance.now() - aborted).toBeLessThan(PROMPT_MS);
    holder.abort();
    await rejection(first);
    await new Promise((r) => setTimeout(r, 20));
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('in the bulkhead queue gives its place up: a later call can queue in it', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 1 } });
    const holder = new AbortController();
    const first = c.chat.completions.create(CHAT, { ...fault('hang'), signal: holder.signal });
    await until(() => chatRequests(ctx.fake).length === 1, 'the first call to reach the server');
    const controller = new AbortController();
    const queued = c.chat.completions.create(CHAT, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect(await rejection(queued)).toBeInstanceOf(OpenAI.APIUserAbortError);
    // The queue's only place is free again: this call waits in it instead of being refused.
    const next = c.chat.completions.create(CHAT);
    holder.abort();
    await rejection(first);
    expect((await next).choices).toHaveLength(1);
  });

  it('of a request in flight is not retried', async () => {
    const c = client(ctx.fake);
    const controller = new AbortController();
    const call = c.chat.completions.create(CHAT, { ...fault('hang'), signal: controller.signal });
    await until(() => chatRequests(ctx.fake).length === 1, 'the request to reach the server');
    controller.abort();
    expect(await rejection(call)).toBeInstanceOf(OpenAI.APIUserAbortError);
    await new Promise((r) => setTimeout(r, 30));
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('ends a stream the caller is reading without an error and without a retry', async () => {
    const c = client(ctx.fake, { timeout: { idleMs: 5_000 } });
    const controller = new AbortController();
    const stream = await c.chat.completions.create(
      { ...CHAT, stream: true },
      { ...fault('stall-after=3'), signal: controller.signal },
    );
    let chunks = 0;
    const reading = (async () => {
      for await (const _ of stream) chunks++;
    })();
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await reading;
    expect(chunks).toBeGreaterThan(0);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });
});
