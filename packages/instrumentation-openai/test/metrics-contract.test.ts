// The metric names, instruments, units and buckets of the shared telemetry contract, which the
// dashboards and alert rules are built on: a drift here silences a panel.
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
  const messages = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Name a colour' },
  ];
  // A reasoning model asked twice (cached prefix on the second call), streamed: every metric records.
  for (let i = 0; i < 2; i++) {
    const stream = await bed.client.chat.completions.create({ model: 'o4-mini', messages, stream: true });
    for await (const _ of stream);
  }
  await bed.client.chat.completions.create({ model: 'acme-unpriced-llm', messages });
  // A relay that ignores stream_options: usage unknown.
  const relay = await bed.client.chat.completions.create(
    { model: 'gpt-4o-mini', messages, stream: true },
    { headers: { 'x-fake-dialect': 'relay-no-usage' } },
  );
  for await (const _ of relay);
});
afterAll(() => bed.close());

const DURATION_BUCKETS = Array.from({ length: 14 }, (_, k) => 0.01 * 2 ** k);
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const COST_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

const contract: { name: string; type: DataPointType; unit: string; buckets?: number[] }[] = [
  {
    name: 'gen_ai.client.operation.duration',
    type: DataPointType.HISTOGRAM,
    unit: 's',
    buckets: DURATION_BUCKETS,
  },
  {
    name: 'gen_ai.client.token.usage',
    type: DataPointType.HISTOGRAM,
    unit: '{token}',
    buckets: TOKEN_BUCKETS,
  },
  { name: 'gen_ai.client.operation.time_to_first_chunk', type: DataPointType.HISTOGRAM, unit: 's' },
  { name: 'gen_ai.client.operation.time_per_output_chunk', type: DataPointType.HISTOGRAM, unit: 's' },
  { name: 'aiotel.gen_ai.client.tokens', type: DataPointType.SUM, unit: '{token}' },
  { name: 'aiotel.gen_ai.client.cost', type: DataPointType.HISTOGRAM, unit: 'USD', buckets: COST_BUCKETS },
  { name: 'aiotel.gen_ai.client.unpriced_calls', type: DataPointType.SUM, unit: '{call}' },
  { name: 'aiotel.gen_ai.client.usage_unknown_calls', type: DataPointType.SUM, unit: '{call}' },
];

describe('metrics of the shared telemetry contract', () => {
  for (const { name, type, unit, buckets } of contract) {
    it(`${name} is a ${type === DataPointType.SUM ? 'counter' : 'histogram'} in ${unit}`, async () => {
      const metric = (await bed.metric(name)) as MetricData;
      expect(metric, name).toBeDefined();
      // The calls above record every metric of the contract: one without points is a metric that stopped recording.
      expect(metric.dataPoints.length, `${name} has no data points`).toBeGreaterThan(0);
      expect(metric.dataPointType).toBe(type);
      expect(metric.descriptor.unit).toBe(unit);
      if (metric.dataPointType === DataPointType.SUM) expect(metric.isMonotonic).toBe(true);
      if (buckets !== undefined && metric.dataPointType === DataPointType.HISTOGRAM) {
        for (const point of metric.dataPoints) {
          const boundaries = point.value.buckets.boundaries;
          expect(boundaries).toHaveLength(buckets.length);
          for (const [i, b] of boundaries.entries()) expect(b).toBeCloseTo(buckets[i] ?? Number.NaN, 12);
        }
      }
      for (const point of metric.dataPoints) {
        expect(point.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': expect.any(String),
          'gen_ai.request.model': expect.any(String),
          'server.address': '127.0.0.1',
          'server.port': expect.any(Number),
        });
      }
    });
  }

  it('aiotel.gen_ai.client.tokens has every token type, with the parts inside their totals', async () => {
    const points = (await bed.points('aiotel.gen_ai.client.tokens')).filter(
      (p) => p.attributes['gen_ai.request.model'] === 'o4-mini',
    );
    const byType = Object.fromEntries(
      points.map((p) => [p.attributes['gen_ai.token.type'], p.value as number]),
    );
    expect(Object.keys(byType).sort()).toEqual(['cache_read', 'input', 'output', 'reasoning']);
    expect(byType.cache_read).toBeGreaterThan(0);
    expect(byType.cache_read).toBeLessThan(byType.input ?? 0);
    expect(byType.reasoning).toBeGreaterThan(0);
    expect(byType.reasoning).toBeLessThan(byType.output ?? 0);
  });
});
