import {
  type Attributes,
  type Context,
  type Counter,
  diag,
  type Histogram,
  type MetricOptions,
  type UpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type MetricData,
  type MetricDescriptor,
} from '@opentelemetry/sdk-metrics';
import { type Series, SeriesStore } from './metric-series.js';

/** The SDK's default histogram buckets, for a histogram created without advice. */
const DEFAULT_BOUNDARIES = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/**
 * The key of an aggregated histogram's batch record: `histogram[RECORD_BATCH](values, count, attributes)` records
 * `values[0..count)` with one attribute set, as `count` calls of `record` would, with the set looked up once instead
 * of per value. For an instrumentation that buffers many samples of one set (a stream's chunk gaps): it checks for
 * the key and falls back to `record` on any other histogram. A `Symbol.for` key, so that two copies of this package
 * in one process, or an instrumentation that does not import it, agree on it.
 */
export const RECORD_BATCH: unique symbol = Symbol.for('@aiotel/aggregating-meter-provider.recordBatch');

/** The instrument types measured here; the rest goes to the SDK. */
export type AggregatedType =
  | InstrumentType.HISTOGRAM
  | InstrumentType.COUNTER
  | InstrumentType.UP_DOWN_COUNTER;

/**
 * A synchronous histogram, counter or up-down counter that aggregates as the SDK's default aggregation would
 * (explicit buckets with min and max; a sum), in one {@link SeriesStore} per metric reader (each reader has its
 * temporality and collects at its own times), and reports a reader's points when that reader collects.
 * Measurements are checked as the SDK checks them: not a number, or negative for a histogram or counter, is
 * dropped with the SDK's warning; an INT instrument truncates.
 */
export class AggregatedInstrument implements Histogram, Counter, UpDownCounter {
  readonly type: AggregatedType;
  private readonly descriptor: MetricDescriptor;
  private readonly boundaries: number[];
  private readonly stores: SeriesStore[];
  private readonly lastCollectionMs: number[];
  private readonly histogram: boolean;
  private readonly negativeAllowed: boolean;

  /** @param cardinalityLimits each reader's cardinality limit for this instrument, in the readers' order. */
  constructor(
    name: string,
    type: AggregatedType,
    options: MetricOptions | undefined,
    cardinalityLimits: readonly number[],
  ) {
    this.type = type;
    this.descriptor = {
      name,
      description: options?.description ?? '',
      unit: options?.unit ?? '',
      valueType: options?.valueType ?? ValueType.DOUBLE,
    };
    this.histogram = type === InstrumentType.HISTOGRAM;
    this.negativeAllowed = type === InstrumentType.UP_DOWN_COUNTER;
    this.boundaries = this.histogram ? bucketBoundaries(options?.advice?.explicitBucketBoundaries) : [];
    const buckets = this.histogram ? this.boundaries.length + 1 : 0;
    this.stores = cardinalityLimits.map((limit) => new SeriesStore(buckets, limit));
    this.lastCollectionMs = cardinalityLimits.map(() => 0);
  }

  record(value: number, attributes?: Attributes, _context?: Context): void {
    this.measure(value, attributes);
  }

  add(value: number, attributes?: Attributes, _context?: Context): void {
    this.measure(value, attributes);
  }

  [RECORD_BATCH](values: ArrayLike<number>, count: number, attributes?: Attributes): void {
    // Each reader's series found once for the whole batch.
    const series = this.stores.map((store) => store.series(attributes));
    for (let i = 0; i < count; i++) {
      const value = this.accepted(values[i] as number);
      if (value === undefined) continue;
      const bucket = this.bucketOf(value);
      for (let s = 0; s < series.length; s++) this.addTo(series[s] as Series, value, bucket);
    }
  }

  /** The points of reader number `reader`'s collection, or `undefined` when there are none (the SDK then leaves the metric out). */
  collect(reader: number, temporality: AggregationTemporality, nowMs: number): MetricData | undefined {
    const store = this.stores[reader];
    if (store === undefined) return undefined;
    const lastCollectionMs = this.lastCollectionMs[reader] ?? 0;
    const delta = temporality === AggregationTemporality.DELTA;
    const endTime = millisToHrTime(nowMs);
    const histogramPoints = [];
    const sumPoints = [];
    for (const series of store.all()) {
      if (delta && series.updates === 0) continue;
      const startTime = millisToHrTime(delta && series.reported ? lastCollectionMs : series.startMs);
      if (this.histogram) {
        const minMax = series.count > 0;
        histogramPoints.push({
          attributes: series.attributes,
          startTime,
          endTime,
          value: {
            min: minMax ? series.min : undefined,
            max: minMax ? series.max : undefined,
            sum: series.sum,
            buckets: { boundaries: this.boundaries, counts: (series.counts ?? []).slice() },
            count: series.count,
          },
        });
      } else {
        sumPoints.push({ attributes: series.attributes, startTime, endTime, value: series.sum });
      }
      if (delta) {
        series.reported = true;
        series.reset();
      } else {
        series.updates = 0;
      }
    }
    if (delta) store.dropIdle();
    this.lastCollectionMs[reader] = nowMs;
    if (histogramPoints.length === 0 && sumPoints.length === 0) return undefined;
    if (this.histogram) {
      return {
        descriptor: this.descriptor,
        aggregationTemporality: temporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: histogramPoints,
      };
    }
    return {
      descriptor: this.descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.SUM,
      dataPoints: sumPoints,
      isMonotonic: !this.negativeAllowed,
    };
  }

  private measure(input: number, attributes: Attributes | undefined): void {
    const value = this.accepted(input);
    if (value === undefined) return;
    const bucket = this.bucketOf(value);
    const stores = this.stores;
    for (let s = 0; s < stores.length; s++)
      this.addTo((stores[s] as SeriesStore).series(attributes), value, bucket);
  }

  /** The histogram bucket of an accepted value (0 for a sum). */
  private bucketOf(value: number): number {
    return this.histogram ? bucketIndex(this.boundaries, value) : 0;
  }

  /** The value as the SDK would record it, or `undefined` (with the SDK's warning) when the SDK would drop it. */
  private accepted(input: number): number | undefined {
    let value = input;
    if (typeof value !== 'number') {
      diag.warn(`non-number value provided to metric ${this.descriptor.name}: ${value}`);
      return undefined;
    }
    if (value < 0 && !this.negativeAllowed) {
      diag.warn(
        `negative value provided to ${this.histogram ? 'histogram' : 'counter'} ${this.descriptor.name}: ${value}`,
      );
      return undefined;
    }
    if (this.descriptor.valueType === ValueType.INT && !Number.isInteger(value)) {
      diag.warn(
        `INT value type cannot accept a floating-point value for ${this.descriptor.name}, ignoring the fractional digits.`,
      );
      value = Math.trunc(value);
      if (!Number.isInteger(value)) return undefined;
    }
    return value;
  }

  /** Adds an accepted value, in its bucket, to one series. */
  private addTo(series: Series, value: number, bucket: number): void {
    series.updates++;
    if (!this.histogram) {
      series.sum += value;
      return;
    }
    if (Number.isNaN(value)) return;
    series.count++;
    series.sum += value;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
    const counts = series.counts as number[];
    counts[bucket] = (counts[bucket] as number) + 1;
  }
}

/** The first bucket whose upper bound is at least `value` (the last bucket is unbounded), as the SDK places values. */
function bucketIndex(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length - 1;
  let found = boundaries.length;
  while (hi >= lo) {
    const mid = (lo + hi) >>> 1;
    if ((boundaries[mid] as number) < value) lo = mid + 1;
    else {
      found = mid;
      hi = mid - 1;
    }
  }
  return found;
}

// As the SDK reads advice: sorted, without -Infinity and what follows +Infinity.
function bucketBoundaries(advice: readonly number[] | undefined): number[] {
  if (advice === undefined) return DEFAULT_BOUNDARIES;
  const sorted = advice.concat().sort((a, b) => a - b);
  const minusInfinity = sorted.lastIndexOf(Number.NEGATIVE_INFINITY);
  const infinity = sorted.indexOf(Number.POSITIVE_INFINITY);
  return sorted.slice(minusInfinity + 1, infinity === -1 ? undefined : infinity);
}
