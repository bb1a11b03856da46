/**
 * The floor under any instrumentation that follows the GenAI conventions on the OpenTelemetry JS SDK: what the
 * SDK itself costs, in a hot loop in one process, for the telemetry one call carries. Nothing of aiotel runs
 * here. `pnpm bench` runs it once in a fresh process and sets its figures beside the targets; by hand:
 *   node src/sdk-floor.ts [--json]
 *
 * - one histogram record with the six attributes the conventions put on a GenAI metric (operation, provider,
 *   request and response model, server address and port): the price of each
 *   `gen_ai.client.operation.time_per_output_chunk` sample, i.e. of each streamed chunk after the first;
 * - one GenAI client span with the conventions' request and response attributes, started, ended, batched and
 *   serialized to OTLP protobuf (the exporter's work short of the socket);
 * - one call: that span plus six metric records (duration, token usage input and output, token counter
 *   input and output, cost), which is what our instrumentation records for a priced non-streaming call.
 */
import { context, SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { type ReadableSpan, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { median } from './stats.ts';

/** The SDK's cost per unit, CPU µs (user + system), medians over a few repetitions. */
export interface SdkFloor {
  /** One histogram record with the six GenAI metric attributes. */
  readonly histogramRecordUs: number;
  /** One counter add with the same attributes plus `gen_ai.token.type`. */
  readonly counterAddUs: number;
  /** One GenAI span: start with request attributes, set response attributes, end, batch, serialize. */
  readonly spanUs: number;
  /** One priced non-streaming call's telemetry: the span and six metric records. */
  readonly callUs: number;
}

const METRIC_ATTRIBUTES = Object.freeze({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'server.address': '127.0.0.1',
  'server.port': 8787,
  'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
});
const TOKEN_ATTRIBUTES = Object.freeze({ ...METRIC_ATTRIBUTES, 'gen_ai.token.type': 'input' });

/** Batches of this size are serialized, as the batch span processor's default export batch. */
const BATCH = 512;

/** Collects ended spans and serializes them to OTLP protobuf in batches, as an exporter would. */
class SerializingProcessor implements SpanProcessor {
  private batch: ReadableSpan[] = [];
  /** Bytes serialized, summed so that the serializer's output is used (the work cannot be optimised away). */
  bytes = 0;
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.batch.push(span);
    if (this.batch.length >= BATCH) this.flush();
  }
  flush(): void {
    if (this.batch.length === 0) return;
    this.bytes += ProtobufTraceSerializer.serializeRequest(this.batch)?.length ?? 0;
    this.batch = [];
  }
  forceFlush(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}

function cpuUsPer(iterations: number, fn: (i: number) => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

/** Measures the floor in this process (warm-up, then `repeats` timed passes per figure). */
export function measureSdkFloor(repeats = 5): SdkFloor {
  const resource = resourceFromAttributes({
    'service.name': 'sdk-floor',
    'telemetry.sdk.language': 'nodejs',
  });
  const processor = new SerializingProcessor();
  const tracer = new TracerProvider({ resource, spanProcessors: [processor] }).getTracer('sdk-floor');
  const meter = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  }).getMeter('sdk-floor');
  const histogram = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  const counter = meter.createCounter('aiotel.gen_ai.client.tokens', { unit: '{token}' });
  const parent = context.active();

  const span = (i: number): void => {
    const s = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'server.address': '127.0.0.1',
          'server.port': 8787,
          'gen_ai.request.max_tokens': 16,
        },
      },
      parent,
    );
    s.setAttributes({
      'gen_ai.response.id': 'chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 20 + (i & 7),
      'gen_ai.usage.output_tokens': 16,
      'gen_ai.usage.cost.amount': 0.0000126,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'genai-prices',
    });
    s.end();
  };
  const record = (i: number): void => histogram.record((i & 1023) / 1000, METRIC_ATTRIBUTES);
  const add = (i: number): void => counter.add(i & 31, TOKEN_ATTRIBUTES);
  const call = (i: number): void => {
    span(i);
    histogram.record(0.5, METRIC_ATTRIBUTES);
    histogram.record(20, TOKEN_ATTRIBUTES);
    histogram.record(16, METRIC_ATTRIBUTES);
    counter.add(20, TOKEN_ATTRIBUTES);
    counter.add(16, METRIC_ATTRIBUTES);
    histogram.record(0.0000126, METRIC_ATTRIBUTES);
  };

  const figure = (iterations: number, fn: (i: number) => void): number => {
    cpuUsPer(iterations, fn);
    const samples: number[] = [];
    for (let r = 0; r < repeats; r++) samples.push(cpuUsPer(iterations, fn));
    processor.flush();
    return median(samples);
  };
  return {
    histogramRecordUs: figure(200_000, record),
    counterAddUs: figure(200_000, add),
    spanUs: figure(20_480, span),
    callUs: figure(20_480, call),
  };
}

if (import.meta.main) {
  const floor = measureSdkFloor();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(floor));
  } else {
    console.log('OpenTelemetry JS SDK alone, CPU µs (median of 5 passes):');
    console.log(`  histogram record, 6 GenAI attributes   ${floor.histogramRecordUs.toFixed(2)}`);
    console.log(`  counter add, 7 attributes              ${floor.counterAddUs.toFixed(2)}`);
    console.log(`  GenAI span, ended and serialized       ${floor.spanUs.toFixed(2)}`);
    console.log(`  one call: the span and 6 records       ${floor.callUs.toFixed(2)}`);
  }
}
