import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Budget } from '../src/budget.js';

const USAGE = { prompt_tokens: 1000, completion_tokens: 1000 };
const call = {
  span: undefined,
  server: 'api.openai.com',
  serverAttributes: { 'server.address': 'api.openai.com', 'server.port': 443 },
  model: 'gpt-4o-mini',
  key: 'api.openai.com/gpt-4o-mini',
};

describe('Budget window', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps spend for the whole window and forgets it within 1 % after', () => {
    const budget = new Budget({ usd: 1, windowMs: 10_000 });
    budget.record(USAGE, 'gpt-4o-mini', 'https://api.openai.com/v1');
    const one = budget.spent();
    expect(one).toBeGreaterThan(0);
    vi.setSystemTime(1_000_000 + 9_999);
    expect(budget.spent()).toBe(one);
    vi.setSystemTime(1_000_000 + 10_000 + 100);
    expect(budget.spent()).toBe(0);
  });

  it('sums many calls into bounded buckets without losing spend', () => {
    const budget = new Budget({ usd: 1_000, windowMs: 10_000 });
    budget.record(USAGE, 'gpt-4o-mini', 'https://api.openai.com/v1');
    const one = budget.spent();
    for (let i = 1; i < 5_000; i++) {
      vi.setSystemTime(1_000_000 + i);
      budget.record(USAGE, 'gpt-4o-mini', 'https://api.openai.com/v1');
    }
    expect(budget.spent()).toBeCloseTo(one * 5_000, 10);
    expect((budget as unknown as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(51);
  });

  it('refuses once the window’s spend reaches the limit', () => {
    const budget = new Budget({ usd: 0.000_001, windowMs: 10_000 });
    budget.check(call);
    budget.record(USAGE, 'gpt-4o-mini', 'https://api.openai.com/v1');
    expect(() => budget.check(call)).toThrow(/Budget exceeded/);
  });

  it('adds nothing for a model without a price or a response without usage', () => {
    const budget = new Budget({ usd: 1, windowMs: 10_000 });
    budget.record(USAGE, 'no-such-model-xyz', 'https://api.openai.com/v1');
    budget.record(undefined, 'gpt-4o-mini', 'https://api.openai.com/v1');
    expect(budget.spent()).toBe(0);
  });
});
