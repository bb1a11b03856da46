import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT, chatRequests, client, fault, useFakeLlm } from './helpers.js';

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

describe('telemetry that throws', () => {
  it('never reaches the call: retries, breaker and bulkhead still work', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1 }, circuitBreaker: { consecutiveFailures: 2 } });
    const span = {
      addEvent: boom,
      spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
    };
    // biome-ignore lint/suspicious/noExplicitAny: a span whose addEvent throws
    const r = await context.with(trace.setSpan(context.active(), span as any), () =>
      c.chat.completions.create(
        CHAT,
        fault('status=500', { 'x-fake-scenario': 'boom', 'x-fake-fault-times': '1' }),
      ),
    );
    expect(r.choices).toHaveLength(1);
    expect(chatRequests(ctx.fake)).toHaveLength(2);
  });
});
