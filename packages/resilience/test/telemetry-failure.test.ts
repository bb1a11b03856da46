import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../src/index.js';
import { CHAT, chatRequests, client, fault, rejection, useFakeLlm } from './helpers.js';

const ctx = useFakeLlm();

const boom = () => {
  throw new Error('telemetry backend exploded');
};

/** A meter whose every instrument throws; the test's span throws on addEvent. */
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const instrument = { add: boom, record: boom };
  const meter = new Proxy({}, { get: () => () => instrument });
  // biome-ignore lint/suspicious/noExplicitAny: a deliberately broken MeterProvider, only its getMeter is used
  metrics.setGlobalMeterProvider({ getMeter: () => meter } as any);
});
afterAll(() => {
  metrics.disable();
  context.disable();
});

const throwingSpan = {
  addEvent: boom,
  spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
};
/** Runs `fn` with a span whose addEvent throws as the active span. */
const inThrowingSpan = <T>(fn: () => T): T =>
  // biome-ignore lint/suspicious/noExplicitAny: a span whose addEvent throws
  context.with(trace.setSpan(context.active(), throwingSpan as any), fn);

describe('telemetry that throws', () => {
  it('never reaches the call: retries, breaker and bulkhead still work', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1 }, circuitBreaker: { consecutiveFailures: 2 } });
    const r = await inThrowingSpan(() =>
      c.chat.completions.create(
        CHAT,
        fault('status=500', { 'x-fake-scenario': 'boom', 'x-fake-fault-times': '1' }),
      ),
    );
    expect(r.choices).toHaveLength(1);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });

  it('never reaches the call from the circuit breaker’s state-change listener', async () => {
    // cockatiel rejects the call when a listener throws: the breaker opening must still give the SDK's own error.
    const c = client(ctx.fake, { retry: false, circuitBreaker: { consecutiveFailures: 1 } });
    const err = await rejection(inThrowingSpan(() => c.chat.completions.create(CHAT, fault('status=500'))));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(await rejection(inThrowingSpan(() => c.chat.completions.create(CHAT)))).toBeInstanceOf(
      CircuitOpenError,
    );
    expect(chatRequests(ctx.fake)).toHaveLength(1);
  });
});
