import OpenAI7 from 'openai';
import OpenAI5 from 'openai5';
import OpenAI6 from 'openai6';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, resilient, StreamInterruptedError } from '../src/index.js';
import { CHAT, chatRequests, FAST_RETRY, fault, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

describe.each([
  ['openai 5', OpenAI5],
  ['openai 6', OpenAI6],
  ['openai 7', OpenAI7],
] as const)('%s', (_, OpenAI) => {
  // The three majors have the same call surface; typed as 7 so the union of their overloads stays callable.
  const make = (options = {}) =>
    resilient(new OpenAI({ baseURL: ctx.fake.url, apiKey: 'test' }) as unknown as OpenAI7, {
      retry: FAST_RETRY,
      ...options,
    });

  it('retries a 429 once and succeeds, with one retry loop', async () => {
    const r = await make().chat.completions.create(
      CHAT,
      fault('status=429; retry-after-ms=5', { 'x-fake-scenario': 'v', 'x-fake-fault-times': '1' }),
    );
    expect(r.choices).toHaveLength(1);
    expect(chatRequests(ctx.fake).map((x) => x.retryCount)).toEqual([0, 1]);
  });

  it('gives the SDK’s own AuthenticationError for a 401, after one attempt', async () => {
    expect(await rejection(make().chat.completions.create(CHAT, fault('status=401')))).toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });

  it('gives CircuitOpenError itself, not wrapped in APIConnectionError', async () => {
    const c = make({ retry: false, circuitBreaker: { consecutiveFailures: 1 } });
    await rejection(c.chat.completions.create(CHAT, fault('status=500')));
    expect(await rejection(c.chat.completions.create(CHAT))).toBeInstanceOf(CircuitOpenError);
  });

  it('types a stream cut after its first chunk', async () => {
    const stream = await make().chat.completions.create({ ...CHAT, stream: true }, fault('cut-after=3'));
    const err = await rejection(
      (async () => {
        for await (const _ of stream);
      })(),
    );
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });
});
