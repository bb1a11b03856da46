import Anthropic from '@anthropic-ai/sdk';
import Anthropic0 from 'anthropic0';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { BulkheadRejectedError, CircuitOpenError, resilient } from '../src/index.js';
import { CHAT, client, fault, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

/** A client whose breaker is open: its next call is refused with `CircuitOpenError`. */
async function openClient(): Promise<OpenAI> {
  const c = client(ctx.fake, {
    retry: { maxRetries: 0 },
    circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 },
  });
  await rejection(c.chat.completions.create(CHAT, fault('status=500')));
  return c;
}

type Call = ReturnType<OpenAI['chat']['completions']['create']>;

/** Every way a caller reads a call's outcome, each giving what it rejected with. */
const READS: Record<string, (call: Call) => Promise<unknown>> = {
  await: (call) => rejection(call),
  'then(_, onRejected)': (call) => call.then(undefined, (err: unknown) => err),
  'catch()': (call) => call.catch((err: unknown) => err),
  'finally()': (call) => rejection(call.finally(() => undefined)),
  'withResponse()': (call) => rejection(call.withResponse()),
  'asResponse()': (call) => rejection(call.asResponse()),
  '_thenUnwrap()': (call) => rejection(call._thenUnwrap((data) => data)),
};

describe('a refusal reaches the caller as itself, not as APIConnectionError', () => {
  for (const [read, outcome] of Object.entries(READS)) {
    it(`through ${read}`, async () => {
      const c = await openClient();
      expect(await outcome(c.chat.completions.create(CHAT))).toBeInstanceOf(CircuitOpenError);
    });
  }

  describe('when an instrumentation wrapped the methods on the promise itself', () => {
    const completions = Object.getPrototypeOf(new OpenAI({ apiKey: 'test' }).chat.completions) as {
      create: (...args: unknown[]) => Call;
    };
    const create = completions.create;
    afterEach(() => {
      completions.create = create;
    });

    for (const read of ['asResponse()', '_thenUnwrap()', 'await']) {
      it(`through ${read}`, async () => {
        const c = await openClient();
        // As @aiotel/instrumentation-openai does: own `asResponse` and `_thenUnwrap` (and here `then`) on the instance.
        completions.create = function patchedCreate(this: unknown, ...args: unknown[]) {
          const call = create.apply(this, args) as unknown as Record<string, (...a: unknown[]) => unknown>;
          for (const name of ['asResponse', '_thenUnwrap', 'then']) {
            const method = call[name]!;
            call[name] = function (this: unknown, ...a: unknown[]) {
              return method.apply(this, a);
            };
          }
          return call as unknown as Call;
        };
        const call = c.chat.completions.create(CHAT);
        expect(Object.hasOwn(call, 'asResponse')).toBe(true);
        expect(await READS[read]!(call)).toBeInstanceOf(CircuitOpenError);
      });
    }
  });
});

describe('a refusal reaches the caller as itself from every request of the client', () => {
  it('from a resource the SDK has beyond chat (models.list())', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 0 } });
    // An unread stream holds the one slot, so the next request is refused before it is sent.
    const held = await c.chat.completions.create({ ...CHAT, stream: true });
    expect(await rejection(c.models.list())).toBeInstanceOf(BulkheadRejectedError);
    held.controller.abort();
  });

  for (const [sdk, AnthropicSdk] of [
    ['@anthropic-ai/sdk 1.x', Anthropic],
    ['@anthropic-ai/sdk 0.x', Anthropic0],
  ] as const) {
    it(`from an ${sdk} client`, async () => {
      const c = resilient(
        new AnthropicSdk({
          baseURL: ctx.fake.anthropicUrl,
          apiKey: 'test',
          openTelemetry: false,
        }) as Anthropic,
        { bulkhead: { limit: 1, queue: 0 } },
      );
      const ask = {
        model: 'claude-haiku-4-5',
        max_tokens: 50,
        messages: [{ role: 'user' as const, content: 'Hi' }],
      };
      const held = await c.messages.create({ ...ask, stream: true });
      expect(await rejection(c.messages.create(ask))).toBeInstanceOf(BulkheadRejectedError);
      expect(await rejection(c.models.list())).toBeInstanceOf(BulkheadRejectedError);
      held.controller.abort();
    });
  }
});
