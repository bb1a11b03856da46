import { context, type Span, SpanKind, type SpanOptions, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreloadTracerProvider } from '../src/tracer-provider.js';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());

/** A span as exported, without what differs from run to run (ids, times). */
function exported(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    attributes: Object.entries(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    links: span.links.map((link) => Object.entries(link.attributes ?? {})),
    hasParent: span.parentSpanContext !== undefined,
    // A start time given in the options; the others are the clock's.
    startTime: span.startTime[0] === 1_700_000_000 ? span.startTime : 'now',
    scope: span.instrumentationScope.name,
  };
}

const START_ATTRIBUTES = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o-mini',
  'server.port': 443,
  'gen_ai.request.stop_sequences': ['\n', 'END'],
  'left.out': undefined,
  'gen_ai.request.stream': false,
};

/** Every way a span is started, through `tracer`; returns the finished spans. */
function startEveryWay(provider: TracerProvider): ReturnType<typeof exported>[] {
  const tracer: Tracer = provider.getTracer('scope', '1.0.0');
  const options: SpanOptions = {
    kind: SpanKind.CLIENT,
    attributes: START_ATTRIBUTES,
    links: [
      { context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { l: 1 } },
    ],
    startTime: [1_700_000_000, 5],
  };
  const parent = tracer.startSpan('parent', { attributes: { 'at.start': 1 } });
  parent.setAttribute('after.start', 2);
  const inParent = trace.setSpan(context.active(), parent);
  tracer.startSpan('no options').end();
  tracer.startSpan('with options', options, inParent).end();
  tracer.startSpan('root', { ...options, root: true }, inParent).end();
  const active: (Span | undefined)[] = [];
  tracer.startActiveSpan('active 2 arguments', (span) => {
    active.push(trace.getActiveSpan());
    span.end();
  });
  tracer.startActiveSpan('active 3 arguments', options, (span) => {
    active.push(trace.getActiveSpan());
    span.end();
  });
  const result = tracer.startActiveSpan('active 4 arguments', options, inParent, (span) => {
    active.push(trace.getActiveSpan());
    span.end();
    return 'returned';
  });
  expect(result).toBe('returned');
  expect(active.every((span) => span !== undefined)).toBe(true);
  parent.end();
  return (spansOf.get(provider)?.getFinishedSpans() ?? []).map(exported);
}

/** Each provider's exporter. */
const spansOf = new Map<TracerProvider, InMemorySpanExporter>();

function make<P extends TracerProvider>(
  Provider: new (options: ConstructorParameters<typeof TracerProvider>[0]) => P,
): P {
  const exporter = new InMemorySpanExporter();
  const provider = new Provider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  spansOf.set(provider, exporter);
  return provider;
}

describe('PreloadTracerProvider', () => {
  it('exports the same spans as the SDK provider, started every way (start attributes included)', () => {
    const sdk = startEveryWay(make(TracerProvider));
    const preload = startEveryWay(make(PreloadTracerProvider));
    expect(sdk).toHaveLength(7);
    expect(preload).toEqual(sdk);
    const withOptions = sdk.find((span) => span.name === 'with options');
    expect(withOptions?.attributes).toEqual([
      ['gen_ai.operation.name', 'chat'],
      ['gen_ai.request.model', 'gpt-4o-mini'],
      ['server.port', 443],
      ['gen_ai.request.stop_sequences', ['\n', 'END']],
      ['gen_ai.request.stream', false],
    ]);
    expect(withOptions?.hasParent).toBe(true);
    expect(withOptions?.startTime).toEqual([1_700_000_000, 5]);
    expect(sdk.find((span) => span.name === 'root')?.hasParent).toBe(false);
  });

  it('hands the start attributes to the SDK after the span starts, not to its startSpan', () => {
    const provider = make(PreloadTracerProvider);
    const seen: unknown[] = [];
    const sdkTracer = TracerProvider.prototype.getTracer.call(provider, 'scope');
    const startSpan = sdkTracer.startSpan;
    sdkTracer.startSpan = function (this: Tracer, ...args: Parameters<Tracer['startSpan']>) {
      seen.push(args[1]?.attributes);
      return startSpan.apply(this, args);
    };
    const span = provider.getTracer('scope').startSpan('s', { attributes: { a: 1 } });
    span.end();
    expect(seen).toEqual([undefined]);
    expect(spansOf.get(provider)?.getFinishedSpans()[0]?.attributes).toEqual({ a: 1 });
  });

  it('gives one tracer per name, version and schema, as the SDK does', () => {
    const provider = make(PreloadTracerProvider);
    expect(provider.getTracer('a', '1')).toBe(provider.getTracer('a', '1'));
    expect(provider.getTracer('a', '1')).not.toBe(provider.getTracer('a', '2'));
  });

  it('skips the SDK span self-metrics without a meter provider: one shared end callback, not one per span', () => {
    const endCallbacks = (provider: TracerProvider): unknown[] => {
      const tracer = provider.getTracer('scope');
      return [tracer.startSpan('a'), tracer.startSpan('b')].map(
        (span) => (span as unknown as { _recordEndMetrics: unknown })._recordEndMetrics,
      );
    };
    const preload = endCallbacks(make(PreloadTracerProvider));
    expect(typeof preload[0]).toBe('function');
    expect(preload[0]).toBe(preload[1]);
    // The SDK's provider makes one per span: what the check above tells apart.
    const sdk = endCallbacks(make(TracerProvider));
    expect(sdk[0]).not.toBe(sdk[1]);
  });

  it('keeps the SDK span self-metrics when given a meter provider', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    new PreloadTracerProvider({ meterProvider }).getTracer('scope').startSpan('a').end();
    await reader.forceFlush();
    const names = exporter
      .getMetrics()
      .flatMap((resource) =>
        resource.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.descriptor.name)),
      );
    expect(names).toContain('otel.sdk.span.started');
    await meterProvider.shutdown();
  });
});
