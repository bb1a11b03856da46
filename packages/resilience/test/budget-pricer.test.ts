import { createPricer, useAsDefaultPricer } from '@aiotel/cost';
import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExceededError, resilient } from '../src/index.js';
import { CHAT, chatRequests, client, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

// One dollar per input token: one call of the fake (a handful of prompt tokens) spends a few dollars. With the
// table's price it spends about a millionth of that, so a 1 USD budget refuses only when the override is used.
const DEAR = { 'gpt-4o-mini': { input: 1_000_000, output: 0 } };

afterEach(() => useAsDefaultPricer(undefined));

describe('the budget prices with the same pricer as the spans', () => {
  it('prices option: the override decides what the budget counts', async () => {
    const c = client(ctx.fake, { budget: { usd: 1 }, prices: DEAR });
    await c.chat.completions.create(CHAT);
    const err = await rejection(c.chat.completions.create(CHAT));
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).spentUsd).toBe(chatRequests(ctx.fake)[0]!.promptTokens);
  });

  it('without an override the same calls stay under the budget (the check above can fail)', async () => {
    const c = client(ctx.fake, { budget: { usd: 1 } });
    for (let i = 0; i < 3; i++) await c.chat.completions.create(CHAT);
    expect(chatRequests(ctx.fake)).toHaveLength(3);
  });

  it('pricer option: the given pricer is asked, with model and base URL', async () => {
    const asked: { model: string; baseUrl: string | undefined }[] = [];
    const pricer = {
      price: (_usage: unknown, model: string, options?: { baseUrl?: string }) => {
        asked.push({ model, baseUrl: options?.baseUrl });
        return createPricer({ overrides: DEAR, pricesFile: false }).price(_usage as never, model, options);
      },
    };
    const c = client(ctx.fake, { budget: { usd: 1 }, pricer });
    await c.chat.completions.create(CHAT);
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(BudgetExceededError);
    expect(asked).toEqual([{ model: 'gpt-4o-mini', baseUrl: expect.stringContaining('127.0.0.1') }]);
  });

  it("the process's configured pricer (what @aiotel/node sets from AIOTEL_PRICES_FILE) is used by default", async () => {
    const c = client(ctx.fake, { budget: { usd: 1 } });
    // Configured after the client was made, as a preload started later would: looked up at each priced call.
    useAsDefaultPricer(createPricer({ overrides: DEAR, pricesFile: false }));
    await c.chat.completions.create(CHAT);
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(BudgetExceededError);
  });

  it('rejects a pricer without price() and prices that are not an object', () => {
    const make = (options: object) => () =>
      resilient(
        new (class {
          withOptions() {
            return this;
          }
        })(),
        options,
      );
    expect(make({ pricer: {} })).toThrow(/pricer must be an object with a price\(\) method/);
    expect(make({ prices: 'cheap' })).toThrow(/prices must be an object of price overrides/);
  });
});
