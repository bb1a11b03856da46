import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CHAT, chatRequests, client, fault, rejection, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

const fallback = { models: ['gpt-4o', 'gpt-4.1-mini'] };

describe('fallback', () => {
  it.each(['status=429', 'status=529', 'status=503'])(
    'tries the next model when retries are exhausted on %s; the result says which model answered',
    async (f) => {
      const c = client(ctx.fake, { retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 }, fallback });
      const { result, span } = await otel.inSpan(() =>
        c.chat.completions
          .create(CHAT, fault(f, { 'x-fake-scenario': `fb-${f}`, 'x-fake-fault-times': '2' }))
          .withResponse(),
      );
      expect(result?.data.model).toMatch(/^gpt-4o(?!-mini)/);
      expect(result?.response.headers.get('x-aiotel-fallback-from')).toBe('gpt-4o-mini');
      expect(chatRequests(ctx.fake).map((r) => r.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o']);
      const event = span.events.find((e) => e.name === 'aiotel.fallback');
      expect(event?.attributes).toMatchObject({
        'aiotel.fallback.from_model': 'gpt-4o-mini',
        'aiotel.fallback.to_model': 'gpt-4o',
      });
    },
  );

  it('goes down the list until a model answers', async () => {
    const c = client(ctx.fake, { retry: { maxRetries: 0 }, fallback });
    const r = await c.chat.completions.create(
      CHAT,
      fault('status=529', { 'x-fake-scenario': 'fb-list', 'x-fake-fault-times': '2' }),
    );
    expect(r.model).toMatch(/^gpt-4\.1-mini/);
    expect(chatRequests(ctx.fake).map((x) => x.model)).toEqual(['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini']);
  });

  it('skips a model whose breaker is open without sending it anything', async () => {
    const c = client(ctx.fake, {
      retry: { maxRetries: 0 },
      circuitBreaker: { consecutiveFailures: 1 },
      fallback,
    });
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    ctx.fake.reset();
    const r = await c.chat.completions.create(CHAT);
    expect(r.model).toMatch(/^gpt-4o(?!-mini)/);
    expect(chatRequests(ctx.fake).map((x) => x.model)).toEqual(['gpt-4o']);
    const fallbacks = await otel.points('aiotel.resilience.fallbacks');
    expect(fallbacks.some((p) => p.attributes['aiotel.fallback.to_model'] === 'gpt-4o')).toBe(true);
  });

  it('streams fall back too', async () => {
    const c = client(ctx.fake, { retry: { maxRetries: 0 }, fallback });
    const stream = await c.chat.completions.create(
      { ...CHAT, stream: true },
      fault('status=429', { 'x-fake-scenario': 'fb-stream', 'x-fake-fault-times': '1' }),
    );
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect(models.size).toBeGreaterThan(0);
    expect([...models].every((m) => /^gpt-4o(?!-mini)/.test(m))).toBe(true);
    expect(chatRequests(ctx.fake).map((r) => r.model)).toEqual(['gpt-4o-mini', 'gpt-4o']);
  });

  it('does not fall back on a request error, nor on exhausted quota', async () => {
    const c = client(ctx.fake, { fallback });
    expect(await rejection(c.chat.completions.create(CHAT, fault('status=400')))).toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    expect(
      await rejection(c.chat.completions.create(CHAT, fault('status=429; type=insufficient_quota'))),
    ).toBeInstanceOf(OpenAI.RateLimitError);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('the last model’s failure reaches the caller as the SDK error', async () => {
    const c = client(ctx.fake, { retry: { maxRetries: 0 }, fallback });
    const err = await rejection(c.chat.completions.create(CHAT, fault('status=529')));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(529);
    expect(chatRequests(ctx.fake)).toHaveLength(3);
  });
});
