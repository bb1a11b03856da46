import { describe, expect, it } from 'vitest';
import { BulkheadRejectedError } from '../src/index.js';
import { CHAT, client, fault, rejection, useFakeLlm, useTelemetry } from './helpers.js';

const ctx = useFakeLlm();
const otel = useTelemetry();

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

describe('bulkhead', () => {
  it('keeps 200 concurrent calls, streams included, to 5 in flight at the server', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 5, queue: 1000 } });
    // A little server-side latency so that calls overlap.
    const slow = { headers: { 'x-fake-latency': 'ttft=5; per-token=1' } };
    const calls = Array.from({ length: 200 }, (_, i) =>
      i % 2
        ? c.chat.completions.create({ ...CHAT, stream: true }, slow).then(drain)
        : c.chat.completions.create(CHAT, slow),
    );
    await Promise.all(calls);
    const stats = ctx.fake.stats();
    expect(stats.totalRequests).toBe(200);
    expect(stats.maxInFlight).toBe(5);
    const inFlight = await otel.points('aiotel.resilience.bulkhead.in_flight');
    expect(inFlight.reduce((sum, p) => sum + (p.value as number), 0)).toBe(0);
    // The GenAI metrics' form, so reliability and cost panels join on the same labels.
    expect(inFlight[0]?.attributes).toEqual({ 'server.address': '127.0.0.1', 'server.port': ctx.fake.port });
    const queued = await otel.points('aiotel.resilience.bulkhead.queued');
    expect(queued.reduce((sum, p) => sum + (p.value as number), 0)).toBe(0);
    const waits = await otel.points('aiotel.resilience.bulkhead.queue_wait');
    expect((waits[0]!.value as { count: number }).count).toBeGreaterThanOrEqual(200);
  });

  it('holds a stream’s slot until the stream ends', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 10 } });
    const stream = await c.chat.completions.create({ ...CHAT, stream: true });
    let secondDone = false;
    const second = c.chat.completions.create(CHAT).then((r) => {
      secondDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(secondDone).toBe(false);
    expect(ctx.fake.stats().totalRequests).toBe(1);
    await drain(stream);
    await second;
    expect(ctx.fake.stats().totalRequests).toBe(2);
  });

  it('frees a stream’s slot when the caller stops reading', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 10 } });
    const stream = await c.chat.completions.create({ ...CHAT, stream: true });
    for await (const _ of stream) break;
    const r = await c.chat.completions.create(CHAT);
    expect(r.choices).toHaveLength(1);
  });

  it('frees a stream’s slot when the stream fails', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 10 } });
    const stream = await c.chat.completions.create({ ...CHAT, stream: true }, fault('cut-after=2'));
    await rejection(drain(stream));
    const r = await c.chat.completions.create(CHAT);
    expect(r.choices).toHaveLength(1);
  });

  it('rejects past a full queue with BulkheadRejectedError, as an event and a metric', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 1 } });
    const slow = fault('slow-headers=100');
    const first = c.chat.completions.create(CHAT, slow);
    const second = c.chat.completions.create(CHAT, slow);
    const { error, span } = await otel.inSpan(() => c.chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(BulkheadRejectedError);
    expect(error).toMatchObject({ limit: 1, queue: 1 });
    expect(span.events.map((e) => e.name)).toContain('aiotel.bulkhead.rejected');
    await Promise.all([first, second]);
    expect(ctx.fake.stats().totalRequests).toBe(2);
    const rejections = await otel.points('aiotel.resilience.bulkhead.rejections');
    expect(rejections.reduce((sum, p) => sum + (p.value as number), 0)).toBeGreaterThanOrEqual(1);
  });

  it('records the queue wait on the span of a call that had to wait', async () => {
    const c = client(ctx.fake, { bulkhead: { limit: 1, queue: 5 } });
    const first = c.chat.completions.create(CHAT, fault('slow-headers=60'));
    const { span } = await otel.inSpan(() => c.chat.completions.create(CHAT));
    await first;
    const queued = span.events.find((e) => e.name === 'aiotel.bulkhead.queued');
    expect(queued?.attributes?.['aiotel.bulkhead.wait_ms']).toBeGreaterThanOrEqual(30);
  });
});
