// In-process test bed: real OpenTelemetry SDK with in-memory exporters, the fake LLM server, and the
// `openai` SDK loaded through CJS `require` after the instrumentation is enabled, so that it is
// patched by the same require hook users get (not by calling patch() by hand).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startFakeLlm } from '@aiotel/fake-llm';
import { type Attributes, context, DiagLogLevel, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '../src/index.js';

/** A metric reader that exports nothing: tests call collect() and read the points. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Messages the OpenTelemetry diag logger received (warnings and errors). */
export interface DiagMessages {
  warn: string[];
  error: string[];
}

export const API_KEY = 'sk-test-9f8e7d6c5b4a39281706';

/** The `openai` package under test by name: `openai` (7.x) or an alias of an older major. */
export type OpenAIPackage = 'openai' | 'openai6' | 'openai5' | 'openai4';

/**
 * The `openai` package a test file's beds load by default: 7.x, or 6.x for the files under
 * test/openai6/, which import this suite again after switching it (the same suite on an older major).
 */
export const suite: { openai: OpenAIPackage } = { openai: 'openai' };

// biome-ignore lint/suspicious/noExplicitAny: the SDK's module shape differs per major; tests use its public API.
export type OpenAIModule = any;

export interface TestBed {
  OpenAI: OpenAIModule;
  /** Major version of the `openai` package the client comes from. */
  sdkMajor: number;
  /** A client on the fake server with retries off. */
  client: OpenAIModule;
  fakeUrl: string;
  instrumentation: OpenAIInstrumentation;
  diag: DiagMessages;
  /** Loads another `openai` major (patched by the same instrumentation) and a client for it. */
  load(pkg: OpenAIPackage): { OpenAI: OpenAIModule; client: OpenAIModule };
  /** Spans ended so far. */
  spans(): ReadableSpan[];
  /** Waits until `count` spans ended (streams end on the caller's last read). */
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  /** Data points of a metric, collected now. */
  points(name: string): Promise<DataPoint<unknown>[]>;
  /** Data points of a metric for calls that requested `model`, collected now. */
  pointsOfModel(name: string, model: string): Promise<DataPoint<unknown>[]>;
  /** A metric (descriptor, type and points) as exported now; undefined when nothing was recorded. */
  metric(name: string): Promise<MetricData | undefined>;
  reset(): void;
  close(): Promise<void>;
}

export async function startTestBed(
  config: OpenAIInstrumentationConfig = {},
  pkg: OpenAIPackage = suite.openai,
): Promise<TestBed> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const messages: DiagMessages = { warn: [], error: [] };
  diag.setLogger(
    {
      error: (message, ...args) => messages.error.push(format(message, args)),
      warn: (message, ...args) => messages.warn.push(format(message, args)),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = new OpenAIInstrumentation(config);
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  const fake = await startFakeLlm({ latency: false });
  const load = (name: OpenAIPackage) => {
    const mod = createRequire(import.meta.url)(name);
    const OpenAIClass = mod.OpenAI ?? mod.default;
    return {
      OpenAI: OpenAIClass,
      client: new OpenAIClass({ baseURL: fake.url, apiKey: API_KEY, maxRetries: 0 }),
    };
  };
  const { OpenAI, client } = load(pkg);
  const main = createRequire(import.meta.url).resolve(pkg);
  const sdkVersion: string = JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')).version;

  const spans = () => exporter.getFinishedSpans();
  const metric = async (name: string): Promise<MetricData | undefined> => {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const found of scope.metrics) {
        if (found.descriptor.name === name) return found;
      }
    }
    return undefined;
  };
  return {
    OpenAI,
    sdkMajor: Number.parseInt(sdkVersion, 10),
    client,
    fakeUrl: fake.url,
    instrumentation,
    diag: messages,
    load,
    spans,
    async waitForSpans(count) {
      for (let i = 0; i < 200 && spans().length < count; i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      return spans();
    },
    async points(name) {
      return ((await metric(name))?.dataPoints ?? []) as DataPoint<unknown>[];
    },
    async pointsOfModel(name, model) {
      const points = ((await metric(name))?.dataPoints ?? []) as DataPoint<unknown>[];
      return points.filter((p) => p.attributes['gen_ai.request.model'] === model);
    },
    metric,
    reset() {
      exporter.reset();
      messages.warn.length = 0;
      messages.error.length = 0;
      fake.reset();
    },
    async close() {
      instrumentation.disable();
      await fake.close();
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

function format(message: string, args: unknown[]): string {
  return [message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' ');
}

/** The one point whose attributes include `match`; fails the test when there are none or several. */
export function pointWith<T>(points: DataPoint<T>[], match: Attributes): DataPoint<T> {
  const found = points.filter((p) =>
    Object.entries(match).every(([key, value]) => p.attributes[key] === value),
  );
  if (found.length !== 1) {
    throw new Error(
      `expected one point with ${JSON.stringify(match)}, found ${found.length} in ${JSON.stringify(points.map((p) => p.attributes))}`,
    );
  }
  return found[0] as DataPoint<T>;
}

/** Count and sum of a histogram point. */
export function histogram(point: DataPoint<unknown>): { count: number; sum: number } {
  const value = point.value as Histogram;
  return { count: value.count, sum: value.sum ?? 0 };
}

/** Messages saying a span was ended (or changed) after it ended. */
export function endedSpanWarnings(messages: DiagMessages): string[] {
  return [...messages.warn, ...messages.error].filter((m) => /ended Span|already ended/i.test(m));
}

/**
 * How streamed chunks seen with the instrumentation differ from those seen without it, in what a caller
 * can observe short of `'usage' in chunk`: the JSON, and the value of every property either side has.
 * The one allowed difference: an own `usage` property holding `undefined` where the uninstrumented chunk
 * has none (the `usage: null` the injected `include_usage` causes is unset, not deleted, for speed).
 * Ids and timestamps differ per request and are left out.
 */
export function chunkDifferences(
  observed: Record<string, unknown>[],
  plain: Record<string, unknown>[],
): string[] {
  const differences: string[] = [];
  if (observed.length !== plain.length) differences.push(`${observed.length} chunks, not ${plain.length}`);
  plain.forEach((expected, i) => {
    const { id: _a, created: _b, ...want } = expected;
    const { id: _c, created: _d, ...got } = observed[i] ?? {};
    if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`chunk ${i}: JSON differs`);
    for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) {
      if (JSON.stringify(got[key]) !== JSON.stringify(want[key]) || (key in want && !(key in got))) {
        differences.push(`chunk ${i}: ${key} differs`);
      } else if (!(key in want) && !(key === 'usage' && got[key] === undefined)) {
        differences.push(`chunk ${i}: extra ${key}`);
      }
    }
  });
  return differences;
}
