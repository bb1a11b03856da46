import { describe, expect, it } from 'vitest';
import { limitConcurrency } from '../src/limiter.ts';

describe('limitConcurrency', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const limit = limitConcurrency(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setImmediate(r));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a task that throws, so the queue keeps moving', async () => {
    const limit = limitConcurrency(1);
    const failing = limit(() => {
      throw new Error('boom');
    });
    const next = limit(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
