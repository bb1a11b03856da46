import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../src/index.js';
import { CHAT, client, fault, rejection, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

describe('telemetry', () => {
  it('counts retries by reason, with bounded attributes, and records their waits', async () => {
    const c = client(ctx.fake, { retry: { maxRetries: 3, initialDelayMs: 4, maxDelayMs: 8 } });
    await c.chat.completions.create(
      CHAT,
      fault('status=529', { 'x-fake-scenario': 't-529', 'x-fake-fault-times': '2' }),
    );
    await c.chat.completions.create(
      CHAT,
      fault('reset', { 'x-fake-scenario': 't-reset', 'x-fake-fault-times': '1' }),
    );
    const retries = await otel.points('aiotel.resilience.retries');
    const byReason = Object.fromEntries(retries.map((p) => [p.attributes['aiotel.retry.reason'], p.value]));
    expect(byReason).toEqual({ '529': 2, connection_error: 1 });
    expect(retries[0]?.attributes).toEqual({
      'aiotel.retry.reason': '529',
      'aiotel.policy.key': `127.0.0.1:${ctx.fake.port}/gpt-4o-mini`,
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'server.port': ctx.fake.port,
    });
    const waits = await otel.points('aiotel.resilience.retry.wait');
    const wait529 = waits.find((p) => p.attributes['aiotel.retry.reason'] === '529')!.value as {
      count: number;
      sum: number;
    };
    expect(wait529.count).toBe(2);
    expect(wait529.sum).toBeGreaterThan(0);
    expect(wait529.sum).toBeLessThan(0.02);
  });

  it('records the budget spend, and a refusal as an event and a metric', async () => {
    const c = client(ctx.fake, { budget: { usd: 0.000_000_1 } });
    await c.chat.completions.create(CHAT);
    const spent = await otel.points('aiotel.resilience.budget.spent');
    expect(spent[0]?.value).toBeGreaterThan(0);
    const { error, span } = await otel.inSpan(() => c.chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(BudgetExceededError);
    const event = span.events.find((e) => e.name === 'aiotel.budget.refused');
    expect(event?.attributes?.['aiotel.budget.limit_usd']).toBe(0.000_000_1);
    const refusals = await otel.points('aiotel.resilience.budget.refusals');
    expect(refusals[0]?.value).toBe(1);
  });

  it('puts retry events on the span that is active when the call is made', async () => {
    const c = client(ctx.fake);
    const { span } = await otel.inSpan(async () => {
      const stream = await c.chat.completions.create(
        { ...CHAT, stream: true },
        fault('status=500', { 'x-fake-scenario': 't-span', 'x-fake-fault-times': '1' }),
      );
      for await (const _ of stream);
    });
    expect(span.events.map((e) => e.name)).toEqual(['aiotel.retry']);
  });

  it('does not change a call that needs no policy decision', async () => {
    const c = client(ctx.fake);
    const { span, error } = await otel.inSpan(() => c.chat.completions.create(CHAT));
    expect(error).toBeUndefined();
    expect(span.events).toEqual([]);
    expect(await rejection(c.chat.completions.create(CHAT, fault('status=400')))).toBeDefined();
  });
});
