import {
  type BatchObservableCallback,
  type Counter,
  createNoopMeter,
  type Gauge,
  type Histogram,
  type Meter,
  type MeterOptions,
  type MeterProvider,
  type MetricOptions,
  type Observable,
  type ObservableCounter,
  type ObservableGauge,
  type ObservableUpDownCounter,
  type UpDownCounter,
} from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationType,
  type CollectionResult,
  InstrumentType,
  type MetricData,
  type MetricProducer,
  type MetricReader,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { AggregatedInstrument, type AggregatedType } from './aggregating-instruments.js';

type Scope = ScopeMetrics['scope'];

/** The reader questions the aggregation follows: the same answers the SDK gets for its own instruments. */
type ReaderChoices = Pick<
  MetricReader,
  'selectAggregation' | 'selectAggregationTemporality' | 'selectCardinalityLimit'
>;

/**
 * A MeterProvider for the instrumentations the preload starts, beside the SDK's: synchronous histograms, counters
 * and up-down counters are aggregated here and handed to each metric reader by a `MetricProducer`
 * ({@link AggregatingMeterProvider.addReader}); every other instrument is the SDK's. The SDK hashes a measurement's
 * attributes on every record (about 1 µs for the six attributes of a GenAI metric, several per call and one per
 * streamed chunk); here a frozen attribute object is keyed once (see {@link SeriesStore}). The points are those of
 * the SDK's default aggregation, in the temporality and under the cardinality limit each reader asks for; an
 * instrument type a reader gives another aggregation (an exponential histogram, say) stays with the SDK. Only for
 * a MeterProvider without views, as the preload's.
 */
export class AggregatingMeterProvider implements MeterProvider {
  private readonly meters = new Map<string, AggregatingMeter>();
  private readonly producers: ReaderProducer[] = [];
  private sdk: MeterProvider = { getMeter: () => createNoopMeter() };

  /**
   * The producer for one more reader: give it to the reader (`metricProducers: [producer]`), then tell it the reader
   * (`producer.useReader(reader)`). Every reader's producer is added before the first instrument is created.
   */
  addReader(): ReaderProducer {
    const producer = new ReaderProducer(this.meters, this.producers.length);
    this.producers.push(producer);
    return producer;
  }

  /** The SDK's MeterProvider, which makes the instruments not aggregated here. */
  useSdk(sdk: MeterProvider): void {
    this.sdk = sdk;
  }

  getMeter(name: string, version = '', options: MeterOptions = {}): Meter {
    const key = `${name}:${version}:${options.schemaUrl ?? ''}`;
    let meter = this.meters.get(key);
    if (meter === undefined) {
      meter = new AggregatingMeter(
        { name, version, ...(options.schemaUrl !== undefined ? { schemaUrl: options.schemaUrl } : {}) },
        this.sdk.getMeter(name, version, options),
        (type) => this.cardinalityLimits(type),
      );
      this.meters.set(key, meter);
    }
    return meter;
  }

  // Each reader's limit for an instrument aggregated here; undefined when the SDK must take it (no reader yet, or a
  // reader that does not ask for the default aggregation).
  private cardinalityLimits(type: AggregatedType): number[] | undefined {
    const limits: number[] = [];
    for (const producer of this.producers) {
      const limit = producer.cardinalityLimit(type);
      if (limit === undefined) return undefined;
      limits.push(limit);
    }
    return limits.length > 0 ? limits : undefined;
  }
}

/** The `MetricProducer` of one reader: its points of every instrument aggregated here, in its temporality. */
export class ReaderProducer implements MetricProducer {
  private reader: ReaderChoices | undefined;

  constructor(
    private readonly meters: ReadonlyMap<string, AggregatingMeter>,
    private readonly index: number,
  ) {}

  /** The reader this producer was given to, whose temporality, aggregation and cardinality limit it follows. */
  useReader(reader: ReaderChoices): void {
    this.reader = reader;
  }

  async collect(): Promise<CollectionResult> {
    const reader = this.reader;
    const nowMs = Date.now();
    const scopeMetrics: ScopeMetrics[] = [];
    for (const meter of reader === undefined ? [] : this.meters.values()) {
      const metrics: MetricData[] = [];
      for (const instrument of meter.instruments()) {
        const temporality = (reader as ReaderChoices).selectAggregationTemporality(instrument.type);
        const data = instrument.collect(this.index, temporality, nowMs);
        if (data !== undefined) metrics.push(data);
      }
      if (metrics.length > 0) scopeMetrics.push({ scope: meter.scope, metrics });
    }
    // The reader puts these scopes under the SDK's resource.
    return { resourceMetrics: { resource: emptyResource(), scopeMetrics }, errors: [] };
  }

  /** The reader's limit for an instrument type it aggregates by default; undefined otherwise. */
  cardinalityLimit(type: AggregatedType): number | undefined {
    const reader = this.reader;
    if (reader === undefined || reader.selectAggregation(type).type !== AggregationType.DEFAULT)
      return undefined;
    return reader.selectCardinalityLimit(type);
  }
}

/** A Meter whose synchronous histograms and counters are aggregated here, the rest made by the SDK's Meter. */
class AggregatingMeter implements Meter {
  private readonly aggregated = new Map<string, AggregatedInstrument>();

  constructor(
    readonly scope: Scope,
    private readonly sdk: Meter,
    private readonly cardinalityLimits: (type: AggregatedType) => number[] | undefined,
  ) {}

  instruments(): IterableIterator<AggregatedInstrument> {
    return this.aggregated.values();
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.create(name, InstrumentType.HISTOGRAM, options) ?? this.sdk.createHistogram(name, options);
  }

  createCounter(name: string, options?: MetricOptions): Counter {
    return this.create(name, InstrumentType.COUNTER, options) ?? this.sdk.createCounter(name, options);
  }

  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return (
      this.create(name, InstrumentType.UP_DOWN_COUNTER, options) ??
      this.sdk.createUpDownCounter(name, options)
    );
  }

  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.sdk.createGauge(name, options);
  }

  createObservableGauge(name: string, options?: MetricOptions): ObservableGauge {
    return this.sdk.createObservableGauge(name, options);
  }

  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter {
    return this.sdk.createObservableCounter(name, options);
  }

  createObservableUpDownCounter(name: string, options?: MetricOptions): ObservableUpDownCounter {
    return this.sdk.createObservableUpDownCounter(name, options);
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.sdk.addBatchObservableCallback(callback, observables);
  }

  removeBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.sdk.removeBatchObservableCallback(callback, observables);
  }

  // The same name again gets the same instrument (as the SDK shares its storage); another type goes to the SDK.
  private create(
    name: string,
    type: AggregatedType,
    options: MetricOptions | undefined,
  ): AggregatedInstrument | undefined {
    const existing = this.aggregated.get(name);
    if (existing !== undefined) return existing.type === type ? existing : undefined;
    const limits = this.cardinalityLimits(type);
    if (limits === undefined) return undefined;
    const instrument = new AggregatedInstrument(name, type, options, limits);
    this.aggregated.set(name, instrument);
    return instrument;
  }
}
