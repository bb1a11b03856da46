import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, RetryAfterTooLongError } from '../src/index.js';
import { CHAT, chatRequests, client, fault, rejection, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

const retryEvents = (span: { events: { name: string; attributes?: Record<string, unknown> }[] }) =>
  span.events.filter((e) => e.name === 'aiotel.retry').map((e) => e.attributes ?? {});

/** 429 with this Retry-After on the first request of a scenario, then success. */
async function after429(retryAfter: string, stream = false) {
  const c = client(ctx.fake);
  const started = performance.now();
  const { result, error, span } = await otel.inSpan(async () => {
    const r = await c.chat.completions.create(
      { ...CHAT, stream },
      fault(`status=429; ${retryAfter}`, {
        'x-fake-scenario': `ra-${retryAfter}-${stream}`,
        'x-fake-fault-times': '1',
      }),
    );
    if (stream) for await (const _ of r as AsyncIterable<unknown>);
    return r;
  });
  return { result, error, span, elapsed: performance.now() - started, events: retryEvents(span) };
}

describe('429 with Retry-After, then success', () => {
  it.each([false, true])('waits retry-after-ms (stream: %s)', async (stream) => {
    const { error, events, elapsed } = await after429('retry-after-ms=150', stream);
    expect(error).toBeUndefined();
    expect(chatRequests(ctx.fake)).toHaveLength(2);
    expect(events).toEqual([
      { 'aiotel.retry.attempt': 1, 'aiotel.retry.reason': '429', 'aiotel.retry.delay_ms': 150 },
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(145);
  });

  it.each([false, true])('waits retry-after in seconds (stream: %s)', async (stream) => {
    const { error, events, elapsed } = await after429('retry-after=1', stream);
    expect(error).toBeUndefined();
    expect(chatRequests(ctx.fake)).toHaveLength(2);
    expect(events[0]?.['aiotel.retry.delay_ms']).toBe(1000);
    expect(elapsed).toBeGreaterThanOrEqual(995);
  });

  it.each([false, true])('waits until a retry-after HTTP date (stream: %s)', async (stream) => {
    const date = new Date(Date.now() + 2000).toUTCString();
    const { error, events, elapsed } = await after429(`retry-after=${date}`, stream);
    expect(error).toBeUndefined();
    expect(chatRequests(ctx.fake)).toHaveLength(2);
    const delay = events[0]?.['aiotel.retry.delay_ms'] as number;
    // HTTP dates have whole seconds: between 1 and 2 s from now.
    expect(delay).toBeGreaterThan(900);
    expect(delay).toBeLessThanOrEqual(2000);
    expect(elapsed).toBeGreaterThanOrEqual(delay - 5);
  });

  it('retries a stream that got a 429 before its first chunk', async () => {
    const { error, events } = await after429('retry-after-ms=20', true);
    expect(error).toBeUndefined();
    expect(chatRequests(ctx.fake)).toHaveLength(2);
    expect(events).toHaveLength(1);
  });

  it.each([false, true])(
    'fails fast with RetryAfterTooLongError carrying the requested wait above the cap (stream: %s)',
    async (stream) => {
      const c = client(ctx.fake, { retry: { maxRetries: 3, maxRetryAfterMs: 5_000 } });
      const err = await rejection(
        c.chat.completions.create({ ...CHAT, stream }, fault('status=429; retry-after=120')),
      );
      expect(err).toBeInstanceOf(RetryAfterTooLongError);
      expect(err).toMatchObject({ retryAfterMs: 120_000, maxRetryAfterMs: 5_000, status: 429 });
      expect((err as Error).message).toMatch(/Rate limit reached/);
      expect(chatRequests(ctx.fake)).toHaveLength(1);
    },
  );

  it.each([false, true])('does not retry insufficient_quota (stream: %s)', async (stream) => {
    const err = await rejection(
      client(ctx.fake).chat.completions.create(
        { ...CHAT, stream },
        fault('status=429; type=insufficient_quota; retry-after=1'),
      ),
    );
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as Error).message).toMatch(/exceeded your current quota/);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });
});

describe('529 and 5xx bursts', () => {
  it.each(['status=529', 'status=500', 'status=502', 'status=503', 'reset'])(
    'retries %s with exponential backoff, then succeeds',
    async (f) => {
      const c = client(ctx.fake, { retry: { maxRetries: 3, initialDelayMs: 20, maxDelayMs: 1000 } });
      const { error, span } = await otel.inSpan(() =>
        c.chat.completions.create(
          CHAT,
          fault(f, { 'x-fake-scenario': `burst-${f}`, 'x-fake-fault-times': '3' }),
        ),
      );
      expect(error).toBeUndefined();
      expect(ctx.fake.stats().totalRequests).toBe(4);
      const delays = retryEvents(span).map((e) => e['aiotel.retry.delay_ms'] as number);
      expect(delays).toHaveLength(3);
      // Retry n waits between half and all of 20 * 2^(n-1) ms.
      delays.forEach((d, i) => {
        expect(d).toBeGreaterThanOrEqual(10 * 2 ** i - 1);
        expect(d).toBeLessThanOrEqual(20 * 2 ** i + 1);
      });
      const reason = retryEvents(span)[0]?.['aiotel.retry.reason'];
      expect(reason).toBe(f === 'reset' ? 'connection_error' : f.slice('status='.length));
    },
  );

  it('obeys x-should-retry: false', async () => {
    const err = await rejection(
      client(ctx.fake).chat.completions.create(CHAT, fault('status=500; x-should-retry=false')),
    );
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('retries an attempt that times out (timeout.attemptMs)', async () => {
    const c = client(ctx.fake, { timeout: { attemptMs: 1000 } });
    const r = await c.chat.completions.create(
      CHAT,
      fault('hang', { 'x-fake-scenario': 'hang-once', 'x-fake-fault-times': '1' }),
    );
    expect(r.choices.length).toBe(1);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('ends the whole call at timeout.totalMs, also during a backoff wait', async () => {
    const c = client(ctx.fake, {
      retry: { maxRetries: 5, initialDelayMs: 5_000, maxDelayMs: 5_000 },
      timeout: { totalMs: 500 },
    });
    const err = await rejection(c.chat.completions.create(CHAT, fault('status=503')));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect((err as Error).cause).toBeInstanceOf(AttemptTimeoutError);
    expect(String((err as Error).cause)).toMatch(/timeout\.totalMs/);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('reports attempts that all time out as APIConnectionTimeoutError', async () => {
    const c = client(ctx.fake, {
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
      timeout: { attemptMs: 50 },
    });
    const err = await rejection(c.chat.completions.create(CHAT, fault('hang')));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });
});
