import { describe, expect, it } from 'vitest';
import { COST_HEADERS, reportedCost } from '../src/index.js';

describe('reportedCost', () => {
  it('takes usage.cost, as OpenRouter and LiteLLM report it', () => {
    expect(reportedCost({ prompt_tokens: 7, completion_tokens: 3, cost: 4.2e-6 })).toBe(4.2e-6);
    expect(reportedCost({ cost: 0 })).toBe(0);
  });

  it('prefers usage.cost over the cost header', () => {
    expect(reportedCost({ cost: 0.002 }, '0.5')).toBe(0.002);
  });

  it('takes the cost header when usage has no cost', () => {
    expect(reportedCost({ prompt_tokens: 7 }, '0.00001485')).toBe(0.00001485);
    expect(reportedCost(undefined, '1.5e-5')).toBe(1.5e-5);
    expect(reportedCost(undefined, ' .25 ')).toBe(0.25);
    expect(COST_HEADERS).toContain('x-litellm-response-cost');
  });

  it('counts what is not a finite, non-negative amount as nothing reported', () => {
    for (const cost of [-1, Number.NaN, Number.POSITIVE_INFINITY, '0.1', null, {}]) {
      expect(reportedCost({ cost }), String(cost)).toBeUndefined();
    }
    for (const header of ['', ' ', 'abc', '-0.1', '0x10', 'Infinity', '1,5', null]) {
      expect(reportedCost(undefined, header), String(header)).toBeUndefined();
    }
    expect(reportedCost({ cost: -1 }, '0.3')).toBe(0.3);
  });

  it('never throws on exotic usage objects', () => {
    const throwing = Object.defineProperty({}, 'cost', {
      get() {
        throw new Error('boom');
      },
    });
    expect(reportedCost(throwing, '0.1')).toBe(0.1);
    expect(reportedCost('usage', undefined)).toBeUndefined();
  });
});
