import { type Attributes, diag, type Meter, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  AggregationType,
  type CollectionResult,
  InstrumentType,
  MeterProvider,
  MetricReader,
  type MetricReaderOptions,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AggregatingMeterProvider, RECORD_BATCH } from '../src/index.js';

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

interface Side {
  meter: Meter;
  reader: TestReader;
}

/** The SDK alone, and the SDK with the aggregating provider on the same kind of reader. */
function sides(options: MetricReaderOptions): { sdk: Side; aggregating: Side } {
  const sdkReader = new TestReader(options);
  const sdk = new MeterProvider({ readers: [sdkReader] });
  const { provider, readers } = aggregating([options]);
  return {
    sdk: { meter: sdk.getMeter('scope', '1.2.3'), reader: sdkReader },
    aggregating: { meter: provider.getMeter('scope', '1.2.3'), reader: readers[0] as TestReader },
  };
}

/** An aggregating provider with one reader per options, as the preload builds it. */
function aggregating(options: MetricReaderOptions[]): {
  provider: AggregatingMeterProvider;
  readers: TestReader[];
} {
  const provider = new AggregatingMeterProvider();
  const readers = options.map((readerOptions) => {
    const producer = provider.addReader();
    const reader = new TestReader({ ...readerOptions, metricProducers: [producer] });
    producer.useReader(reader);
    return reader;
  });
  provider.useSdk(new MeterProvider({ readers }));
  return { provider, readers };
}

const sortedJson = (attributes: Attributes) => JSON.stringify(Object.entries(attributes).sort());

/** What an exporter sends of a collection: per metric its descriptor, temporality, kind and points (by attributes). */
function exported(result: CollectionResult): unknown[] {
  expect(result.errors).toEqual([]);
  const metrics = result.resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.map((metric) => ({
      scope: { name: scope.scope.name, version: scope.scope.version },
      name: metric.descriptor.name,
      description: metric.descriptor.description,
      unit: metric.descriptor.unit,
      valueType: metric.descriptor.valueType,
      temporality: metric.aggregationTemporality,
      type: metric.dataPointType,
      monotonic: 'isMonotonic' in metric ? metric.isMonotonic : undefined,
      points: metric.dataPoints
        .map((point) => ({ attributes: sortedJson(point.attributes), value: point.value }))
        .sort((a, b) => a.attributes.localeCompare(b.attributes)),
    })),
  );
  return metrics.sort((a, b) => a.name.localeCompare(b.name));
}

async function collectBoth(pair: { sdk: Side; aggregating: Side }): Promise<unknown[]> {
  const expected = exported(await pair.sdk.reader.collect());
  const actual = exported(await pair.aggregating.reader.collect());
  expect(actual).toEqual(expected);
  return actual;
}

const shared = Object.freeze({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' });
const sharedOutput = Object.freeze({ ...shared, 'gen_ai.token.type': 'output' });

/** Measurements of every kind the SDK treats specially, recorded the same way on a meter. */
function measure(meter: Meter, round: number): void {
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    description: 'GenAI operation duration',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16] },
  });
  const plain = meter.createHistogram('plain.histogram');
  const tokens = meter.createCounter('aiotel.gen_ai.client.tokens', { unit: '{token}' });
  const inFlight = meter.createUpDownCounter('in_flight');
  const whole = meter.createCounter('whole', { valueType: ValueType.INT });
  // Values on bucket boundaries, between them, above the last, zero, NaN, negative (dropped).
  for (const value of [0, 0.01, 0.015, 0.02, 0.16, 0.5, Number.NaN, -1])
    duration.record(value + round, shared);
  for (const value of [0, 4.9, 5, 10_001]) plain.record(value);
  tokens.add(16, sharedOutput);
  tokens.add(round, sharedOutput);
  tokens.add(-3, sharedOutput);
  // The same set in another key order and as a fresh object each time: one series.
  tokens.add(2, { 'gen_ai.token.type': 'input', ...shared });
  tokens.add(3, { ...shared, 'gen_ai.token.type': 'input' });
  inFlight.add(1, shared);
  inFlight.add(-2, shared);
  whole.add(2.7, { attempt: round });
  // A frozen object holding an array can still change inside.
  const list = ['a'];
  const withList = Object.freeze({ stops: list });
  tokens.add(1, withList);
  list.push('b');
  tokens.add(1, withList);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AggregatingMeterProvider', () => {
  for (const temporality of [AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA]) {
    const name = temporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
    it(`exports the SDK's points, ${name}, over several collections (one with an idle series)`, async () => {
      vi.spyOn(diag, 'warn').mockImplementation(() => {});
      const pair = sides({ aggregationTemporalitySelector: () => temporality });
      measure(pair.sdk.meter, 0);
      measure(pair.aggregating.meter, 0);
      const first = await collectBoth(pair);
      expect(first.length).toBe(5);
      measure(pair.sdk.meter, 1);
      measure(pair.aggregating.meter, 1);
      await collectBoth(pair);
      // Only one instrument measured in this interval: a delta collection reports only it.
      for (const side of [pair.sdk, pair.aggregating])
        side.meter.createCounter('whole', { valueType: ValueType.INT }).add(5);
      const third = await collectBoth(pair);
      expect(third.length).toBe(temporality === AggregationTemporality.DELTA ? 1 : 5);
      expect(await collectBoth(pair)).toHaveLength(temporality === AggregationTemporality.DELTA ? 0 : 5);
    });
  }

  it('honours the temporality per instrument type, as a lowmemory reader asks for it', async () => {
    const lowMemory = (type: InstrumentType) =>
      type === InstrumentType.UP_DOWN_COUNTER
        ? AggregationTemporality.CUMULATIVE
        : AggregationTemporality.DELTA;
    const pair = sides({ aggregationTemporalitySelector: lowMemory });
    measure(pair.sdk.meter, 0);
    measure(pair.aggregating.meter, 0);
    const metrics = (await collectBoth(pair)) as { name: string; temporality: AggregationTemporality }[];
    expect(metrics.find((m) => m.name === 'in_flight')?.temporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(metrics.find((m) => m.name === 'whole')?.temporality).toBe(AggregationTemporality.DELTA);
  });

  it('puts attribute sets past the cardinality limit in the overflow set, as the SDK does', async () => {
    const pair = sides({ cardinalitySelector: () => 4 });
    for (const side of [pair.sdk, pair.aggregating]) {
      const counter = side.meter.createCounter('calls');
      for (let i = 0; i < 10; i++) counter.add(1, Object.freeze({ model: `m${i}` }));
    }
    const [calls] = (await collectBoth(pair)) as { points: { attributes: string }[] }[];
    expect(calls?.points.map((p) => p.attributes)).toContain(sortedJson({ 'otel.metric.overflow': true }));
  });

  it('leaves an instrument type the reader aggregates otherwise to the SDK', async () => {
    const pair = sides({
      aggregationSelector: (type) =>
        type === InstrumentType.HISTOGRAM
          ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
          : { type: AggregationType.DEFAULT },
    });
    for (const side of [pair.sdk, pair.aggregating]) side.meter.createHistogram('h').record(3, shared);
    await collectBoth(pair);
  });

  it('keys an object that is not frozen on every measurement: changed in between, it counts in another set', async () => {
    const { provider, readers } = aggregating([{}]);
    const reader = readers[0] as TestReader;
    const counter = provider.getMeter('scope').createCounter('calls');
    const attributes: Attributes = { 'app.feature': 'search' };
    counter.add(1, attributes);
    attributes['app.feature'] = 'chat';
    counter.add(2, attributes);
    const [metric] = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    expect(metric?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'app.feature': 'search' }, 1],
      [{ 'app.feature': 'chat' }, 2],
    ]);
  });

  it('gives each reader its own points: a delta reader and a cumulative one that collect at other times', async () => {
    const delta = { aggregationTemporalitySelector: () => AggregationTemporality.DELTA };
    const { provider, readers } = aggregating([delta, {}]);
    const [deltaReader, cumulativeReader] = readers as [TestReader, TestReader];
    const counter = provider.getMeter('scope').createCounter('calls');
    const values = async (reader: TestReader) =>
      (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) =>
        s.metrics.flatMap((m) => m.dataPoints.map((p) => p.value)),
      );
    counter.add(1, shared);
    expect(await values(deltaReader)).toEqual([1]);
    counter.add(2, shared);
    expect(await values(deltaReader)).toEqual([2]);
    expect(await values(cumulativeReader)).toEqual([3]);
    expect(await values(deltaReader)).toEqual([]);
  });

  it('takes attributes that are not an object (a plain-JS mistake) as none, without throwing', async () => {
    const { provider, readers } = aggregating([{}]);
    const counter = provider.getMeter('scope').createCounter('calls');
    counter.add(1, 'feature=search' as never);
    counter.add(2, null as never);
    counter.add(3);
    const [metric] = (await (readers[0] as TestReader).collect()).resourceMetrics.scopeMetrics.flatMap(
      (s) => s.metrics,
    );
    expect(metric?.dataPoints.map((point) => [point.attributes, point.value])).toEqual([[{}, 6]]);
  });

  it('keys an attribute set built anew for every measurement once per key order, not on every measurement', async () => {
    const pair = sides({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
    const duration = (side: Side) => side.meter.createHistogram('http.client.request.duration');
    const fresh = (status: number) => ({
      'http.request.method': 'POST',
      'http.response.status_code': status,
    });
    const keys = vi.spyOn(Object, 'keys');
    for (let i = 0; i < 100; i++) duration(pair.aggregating).record(i, fresh(i % 2 === 0 ? 200 : 500));
    const keyed = keys.mock.calls.filter(([target]) => 'http.request.method' in (target as object));
    expect(keyed.length).toBeLessThanOrEqual(2);
    for (let i = 0; i < 100; i++) duration(pair.sdk).record(i, fresh(i % 2 === 0 ? 200 : 500));
    await collectBoth(pair);
    // Idle for one delta interval (its series dropped), then measured again: found anew, counted right.
    await collectBoth(pair);
    for (const side of [pair.sdk, pair.aggregating]) duration(side).record(7, fresh(200));
    const [metric] = (await collectBoth(pair)) as { points: unknown[] }[];
    expect(metric?.points).toHaveLength(1);
  });

  it('keys a frozen attribute set once, not on every measurement', async () => {
    const pair = sides({});
    const histogram = pair.aggregating.meter.createHistogram('h');
    const keys = vi.spyOn(Object, 'keys');
    for (let i = 0; i < 100; i++) histogram.record(i, sharedOutput);
    expect(keys.mock.calls.filter(([target]) => target === sharedOutput).length).toBeLessThanOrEqual(1);
  });

  describe('a batch record (RECORD_BATCH)', () => {
    // Values on bucket boundaries, between them, above the last, zero, NaN, negative (dropped with the warning).
    const values = [0, 0.01, 0.015, 0.02, 0.16, 0.5, Number.NaN, -1, 3.7];
    type Batch = {
      [RECORD_BATCH]: (values: ArrayLike<number>, count: number, attributes?: Attributes) => void;
    };
    const advice = { advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16] } };

    it("exports the points of one record per value, and the SDK's warnings, up to `count`", async () => {
      const warn = vi.spyOn(diag, 'warn').mockImplementation(() => {});
      const pair = sides({});
      const sdkHistogram = pair.sdk.meter.createHistogram('gap', advice);
      const sdkCounter = pair.sdk.meter.createCounter('whole', { valueType: ValueType.INT });
      for (const value of values) {
        sdkHistogram.record(value, shared);
        sdkCounter.add(value, shared);
      }
      const sdkWarnings = warn.mock.calls.length;
      // Negative (histogram and counter) and fractional or NaN for the INT counter.
      expect(sdkWarnings).toBe(9);
      const buffer = new Float64Array(16);
      buffer.set(values);
      buffer[values.length] = 99; // past `count`: not recorded
      const histogram = pair.aggregating.meter.createHistogram('gap', advice) as unknown as Batch;
      const counter = pair.aggregating.meter.createCounter('whole', {
        valueType: ValueType.INT,
      }) as unknown as Batch;
      histogram[RECORD_BATCH](buffer, values.length, shared);
      counter[RECORD_BATCH](buffer, values.length, shared);
      // The same warnings (the SDK's side interleaved the two instruments, the batches did not).
      const sorted = (calls: unknown[][]) => calls.map((call) => String(call[0])).sort();
      expect(sorted(warn.mock.calls.slice(sdkWarnings))).toEqual(
        sorted(warn.mock.calls.slice(0, sdkWarnings)),
      );
      const [gap, whole] = (await collectBoth(pair)) as { name: string; points: unknown[] }[];
      expect([gap?.name, gap?.points.length, whole?.name]).toEqual(['gap', 1, 'whole']);
    });

    it('records into every reader, each in its own temporality', async () => {
      const delta = { aggregationTemporalitySelector: () => AggregationTemporality.DELTA };
      const { provider, readers } = aggregating([delta, {}]);
      const histogram = provider.getMeter('scope').createHistogram('gap', advice) as unknown as Batch;
      const counts = async (reader: TestReader) =>
        (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) =>
          s.metrics.flatMap((m) => m.dataPoints.map((p) => (p.value as { count: number }).count)),
        );
      histogram[RECORD_BATCH](new Float64Array([0.01, 0.02, 0.03]), 3, shared);
      expect(await counts(readers[0] as TestReader)).toEqual([3]);
      histogram[RECORD_BATCH](new Float64Array([0.5, 0.6]), 2, shared);
      expect(await counts(readers[0] as TestReader)).toEqual([2]);
      expect(await counts(readers[1] as TestReader)).toEqual([5]);
    });
  });
});
