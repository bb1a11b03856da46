import { AggregationTemporality, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { MetricSendQueue } from '../src/metric-send-queue.js';

/** A batch of one metric, named `name`, of the given temporality. */
function batch(name: string, temporality: AggregationTemporality): ResourceMetrics {
  return {
    resource: {},
    scopeMetrics: [
      { scope: { name: 'test' }, metrics: [{ descriptor: { name }, aggregationTemporality: temporality }] },
    ],
  } as unknown as ResourceMetrics;
}

/** A queue whose sends are held until the test finishes them; `sent` lists the batches in the order they went out. */
function heldQueue(): { queue: MetricSendQueue; sent: string[]; finish: () => void } {
  const sent: string[] = [];
  const open: Array<() => void> = [];
  const queue = new MetricSendQueue((b, done) => {
    sent.push(b.scopeMetrics[0]?.metrics[0]?.descriptor.name ?? '');
    open.push(done);
  });
  return { queue, sent, finish: () => open.shift()?.() };
}

describe('MetricSendQueue', () => {
  it('sends one batch at a time and drops a waiting cumulative batch for a newer one', async () => {
    const { queue, sent, finish } = heldQueue();
    for (const name of ['a', 'b', 'c']) queue.add(batch(name, AggregationTemporality.CUMULATIVE));
    expect(sent).toEqual(['a']);
    let drained = false;
    void queue.drained().then(() => {
      drained = true;
    });
    finish();
    expect(sent).toEqual(['a', 'c']);
    await Promise.resolve();
    expect(drained).toBe(false);
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(true);
    expect(sent).toEqual(['a', 'c']);
  });

  it('sends every delta batch, in order', () => {
    const { queue, sent, finish } = heldQueue();
    for (const name of ['a', 'b', 'c']) queue.add(batch(name, AggregationTemporality.DELTA));
    queue.add(batch('d', AggregationTemporality.CUMULATIVE));
    for (let i = 0; i < 4; i++) finish();
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
  });
});
