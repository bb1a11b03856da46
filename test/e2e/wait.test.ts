// The suite's one way of waiting for the stack: it must end when its time is up, and say why.
import { describe, expect, it } from 'vitest';
import { StopWaiting, waitFor } from './src/wait.js';

describe('waitFor', () => {
  it('returns the first value a probe finds', async () => {
    let tries = 0;
    const value = await waitFor('the third try', async () => (++tries === 3 ? 'ready' : undefined), {
      intervalMs: 1,
    });
    expect([value, tries]).toEqual(['ready', 3]);
  });

  it('rejects when the time is up, naming what it waited for and what the last try gave', async () => {
    await expect(
      waitFor('Prometheus ready', async () => undefined, { timeoutMs: 200, intervalMs: 20 }),
    ).rejects.toThrow('timed out after 200 ms waiting for Prometheus ready (the last try found nothing yet)');
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: new Error('connect ECONNREFUSED'),
    });
    await expect(
      waitFor('collector health', () => Promise.reject(refused), { timeoutMs: 200, intervalMs: 20 }),
    ).rejects.toThrow('(the last try failed: fetch failed (connect ECONNREFUSED))');
  });

  it('rejects on time when a probe never settles, and aborts its signal', async () => {
    let aborted = false;
    const startedAt = performance.now();
    const hanging = (signal: AbortSignal) =>
      new Promise<undefined>(() => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
      });
    await expect(waitFor('a probe that hangs', hanging, { timeoutMs: 300 })).rejects.toThrow(
      'timed out after 300 ms waiting for a probe that hangs (the last try was still running)',
    );
    // Bounded by the timeout, not by the probe (which never ends); the margin is for a loaded machine.
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(aborted).toBe(true);
  });

  it('rejects at once when a probe says waiting cannot help (StopWaiting), naming what it waited for', async () => {
    let tries = 0;
    const startedAt = performance.now();
    const exited = async () => {
      tries++;
      throw new StopWaiting('jaeger exited (1); see jaeger.log');
    };
    await expect(waitFor('Jaeger health', exited, { timeoutMs: 10_000 })).rejects.toThrow(
      'gave up waiting for Jaeger health: jaeger exited (1); see jaeger.log',
    );
    expect(tries).toBe(1);
    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });
});
