import { describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../src/index.js';
import { CHAT, chatRequests, client, rejection, useFakeLlm } from './helpers.js';

// No OpenTelemetry SDK is installed in this file: the budget must work on its own.
const ctx = useFakeLlm();

describe('budget', () => {
  it('refuses further calls once completed calls spent the budget, before anything is sent', async () => {
    const c = client(ctx.fake, { budget: { usd: 0.000_000_1 } });
    await c.chat.completions.create(CHAT);
    const err = await rejection(c.chat.completions.create(CHAT));
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).spentUsd).toBeGreaterThan(0);
    expect(err).toMatchObject({ limitUsd: 0.000_000_1, windowMs: 86_400_000 });
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('allows calls while the spend is under the budget', async () => {
    const c = client(ctx.fake, { budget: { usd: 1 } });
    for (let i = 0; i < 3; i++) await c.chat.completions.create(CHAT);
    expect(chatRequests(ctx.fake)).toHaveLength(3);
  });

  it('forgets spend older than the window', async () => {
    const c = client(ctx.fake, { budget: { usd: 0.000_000_1, windowMs: 400 } });
    await c.chat.completions.create(CHAT);
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(BudgetExceededError);
    await new Promise((r) => setTimeout(r, 450));
    await c.chat.completions.create(CHAT);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('counts a stream from its final usage chunk', async () => {
    const c = client(ctx.fake, { budget: { usd: 0.000_000_1 } });
    const stream = await c.chat.completions.create({
      ...CHAT,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream);
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(BudgetExceededError);
  });

  it('counts a Responses stream from response.completed, and embeddings', async () => {
    const r = client(ctx.fake, { budget: { usd: 0.000_000_1 } });
    const stream = await r.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    for await (const _ of stream);
    expect(await rejection(r.responses.create({ model: 'gpt-4o-mini', input: 'hi' }))).toBeInstanceOf(
      BudgetExceededError,
    );

    const e = client(ctx.fake, { budget: { usd: 0.000_000_001 } });
    await e.embeddings.create({ model: 'text-embedding-3-small', input: 'hello there' });
    expect(
      await rejection(e.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })),
    ).toBeInstanceOf(BudgetExceededError);
  });

  it('does not count failed calls', async () => {
    const c = client(ctx.fake, { budget: { usd: 0.000_000_1 }, retry: { maxRetries: 0 } });
    await rejection(c.chat.completions.create(CHAT, { headers: { 'x-fake-fault': 'status=500' } }));
    await c.chat.completions.create(CHAT);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });
});
