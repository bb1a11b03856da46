import { describe, expect, it } from 'vitest';
import { median, pairedDifferences, pairedRatios, percentile, spread } from '../src/stats.ts';

describe('stats', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('leaves rounds without a figure out of the spread instead of poisoning it', () => {
    expect(spread([3, Number.NaN, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([Number.NaN]).n).toBe(0);
  });

  it('pairs ratios and differences round by round, skipping rounds where either side failed', () => {
    expect(pairedRatios([110, 120, Number.NaN], [100, 100, 100])).toEqual([1.1, 1.2]);
    expect(pairedRatios([110, 120], [100, Number.NaN])).toEqual([1.1]);
    expect(pairedDifferences([10.5, 11], [10, 10])).toEqual([0.5, 1]);
  });

  it('reads percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 100)).toBe(100);
  });
});
