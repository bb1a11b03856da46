import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../src/policies/rate-limit.js';
import { JIT_MS, mostInAnyWindow } from './arrivals.js';
import { CHAT, chatRequests, client, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

describe('rate limit', () => {
  it('calls within the limit go at once, without a wait event', async () => {
    // No wall-clock bound: a wrongful wait here lasts the 60 s window (past the test's timeout) and is
    // recorded as an event and a wait metric, while a stalled CI host once took 25 s over three calls.
    const c = client(ctx.fake, { rateLimit: { requestsPerMinute: 6 } });
    const { span } = await otel.inSpan(async () => {
      await Promise.all(Array.from({ length: 3 }, () => c.chat.completions.create(CHAT)));
    });
    expect(chatRequests(ctx.fake)).toHaveLength(3);
    expect(span.events.filter((e) => e.name === 'aiotel.rate_limit.wait')).toHaveLength(0);
    expect(await otel.points('aiotel.resilience.rate_limit.wait')).toHaveLength(0);
  });

  it('waits, and the server never sees more than the limit in any minute', async () => {
    const c = client(ctx.fake, { rateLimit: { requestsPerMinute: 2 } });
    await c.chat.completions.create(CHAT);
    await c.chat.completions.create(CHAT);
    const controller = new AbortController();
    const third = c.chat.completions.create(CHAT, { signal: controller.signal });
    let settled = false;
    const done = () => {
      settled = true;
    };
    third.then(done, done);
    await new Promise((r) => setTimeout(r, 300));
    // The third call waits (a minute, here): still pending, never sent, not failed.
    expect(settled).toBe(false);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
    const arrivals = chatRequests(ctx.fake).map((r) => r.startedAt);
    expect(mostInAnyWindow(arrivals, 60_000)).toBeLessThanOrEqual(2);
    // The wait is abortable.
    controller.abort();
    await third.catch(() => undefined);
    expect(settled).toBe(true);
  });

  it('a short window paces: 600 a minute over 1 s windows is at most 10 in any second; calls waited, none failed', async () => {
    const c = client(ctx.fake, { rateLimit: { requestsPerMinute: 600, windowMs: 1_000 } });
    await Promise.all(Array.from({ length: 25 }, () => c.chat.completions.create(CHAT)));
    const arrivals = chatRequests(ctx.fake).map((r) => r.startedAt);
    expect(arrivals).toHaveLength(25);
    // The limit holds when requests are sent; they reach the server a few ms apart (JIT_MS of slack).
    expect(mostInAnyWindow(arrivals, 1_000 - JIT_MS)).toBeLessThanOrEqual(10);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(2_000 - 20);
    const waits = await otel.points('aiotel.resilience.rate_limit.wait');
    expect((waits[0]!.value as { count: number }).count).toBeGreaterThanOrEqual(15);
  });

  it('estimates tokens from the body and the max tokens asked for', () => {
    expect(estimateTokens('x'.repeat(400), { max_tokens: 50 })).toEqual({ tokens: 150 });
    expect(estimateTokens('x'.repeat(10), { max_completion_tokens: 7 })).toEqual({ tokens: 10 });
    expect(estimateTokens(undefined, undefined)).toEqual({ tokens: 0 });
  });
});

describe('token rate limit', () => {
  it('takes the estimate before the call and gives back what the usage says was not used', async () => {
    // 1,000 tokens a second; each call reserves ~910 (its max_tokens) but uses ~15: only the corrections let the
    // next call through without waiting out the window.
    const c = client(ctx.fake, { rateLimit: { tokensPerMinute: 60_000, windowMs: 1_000 } });
    const { span } = await otel.inSpan(async () => {
      for (let i = 0; i < 4; i++) {
        await c.chat.completions.create({ ...CHAT, max_tokens: 900 }, { headers: { 'x-fake-tokens': '5' } });
      }
    });
    expect(chatRequests(ctx.fake)).toHaveLength(4);
    expect(span.events.filter((e) => e.name === 'aiotel.rate_limit.wait')).toEqual([]);
  });

  it('waits when the estimates fill the window', async () => {
    const c = client(ctx.fake, { rateLimit: { tokensPerMinute: 60_000, windowMs: 1_000 } });
    const { span } = await otel.inSpan(() =>
      Promise.all(
        [0, 1].map(() =>
          c.chat.completions.create({ ...CHAT, max_tokens: 900 }, { headers: { 'x-fake-tokens': '5' } }),
        ),
      ),
    );
    const waits = span.events.filter((e) => e.name === 'aiotel.rate_limit.wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]?.attributes).toMatchObject({
      'aiotel.rate_limit.kind': 'tokens',
      'aiotel.policy.scope': 'process',
    });
  });
});
