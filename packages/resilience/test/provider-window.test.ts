import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { resilient } from '../src/index.js';
import { parseDuration, spentWindow } from '../src/policies/provider-window.js';
import { CHAT } from './helpers.js';
import { startWindowServer } from './window-server.js';

let server: Awaited<ReturnType<typeof startWindowServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('provider window', () => {
  it.each(['openai', 'anthropic'] as const)(
    'holds new calls until the reset once %s headers say no requests are left; none gets a 429',
    async (names) => {
      server = await startWindowServer(600, 1, names);
      const c = resilient(new OpenAI({ baseURL: server.url, apiKey: 'test' }));
      await c.chat.completions.create(CHAT);
      const resetAt = server.resetAt();
      await Promise.all(Array.from({ length: 5 }, () => c.chat.completions.create(CHAT)));
      expect(server.early()).toBe(0);
      expect(server.arrivals).toHaveLength(6);
      // Anthropic's reset is an RFC 3339 time with whole milliseconds.
      for (const at of server.arrivals.slice(1)) expect(at).toBeGreaterThanOrEqual(resetAt - 1);
    },
  );

  it('off (providerWindow: false), the same calls collect 429s: the check above can fail', async () => {
    server = await startWindowServer(600);
    const c = resilient(new OpenAI({ baseURL: server.url, apiKey: 'test' }), {
      providerWindow: false,
      retry: false,
    });
    await c.chat.completions.create(CHAT);
    await Promise.allSettled(Array.from({ length: 5 }, () => c.chat.completions.create(CHAT)));
    expect(server.early()).toBe(5);
  });
});

describe('reading the headers', () => {
  it.each([
    ['20ms', 20],
    ['1s', 1_000],
    ['1.5s', 1_500],
    ['6m0s', 360_000],
    ['1h2m3s', 3_723_000],
    ['2', 2_000],
    ['soon', undefined],
    ['', undefined],
  ])('reset %s is %s ms', (value, ms) => expect(parseDuration(value)).toBe(ms));

  it('a spent tokens window counts too; a window with requests left does not', () => {
    const now = 1_000;
    const tokens = new Headers({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '2s' });
    expect(spentWindow(tokens, now)).toEqual({ kind: 'tokens', until: 3_000 });
    const left = new Headers({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '2s' });
    expect(spentWindow(left, now)).toBeUndefined();
  });
});
