// In-process test bed: real OpenTelemetry SDK with in-memory exporters, the fake server's Messages API, and
// `@anthropic-ai/sdk` loaded through CJS `require` after the instrumentation is enabled, so the same require hook
// users get patches it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startFakeLlm } from '@aiotel/fake-llm';
import { type Attributes, context, DiagLogLevel, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '../src/index.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export const API_KEY = 'sk-ant-api03-test-9f8e7d6c5b4a39281706';

/** The SDK package under test: `@anthropic-ai/sdk` (1.x) or `anthropic0` (0.x, the previous major). */
export type AnthropicPackage = '@anthropic-ai/sdk' | 'anthropic0';

/** The package this file's beds load: 1.x, or 0.x for the files under test/anthropic0/ that import this suite again. */
export const suite: { sdk: AnthropicPackage } = { sdk: '@anthropic-ai/sdk' };

// biome-ignore lint/suspicious/noExplicitAny: the SDK's module shape differs per major; tests use its public API.
export type AnthropicModule = any;

export interface TestBed {
  Anthropic: AnthropicModule;
  client: AnthropicModule;
  sdkMajor: number;
  diag: { warn: string[]; error: string[] };
  spans(): ReadableSpan[];
  waitForSpans(count: number): Promise<ReadableSpan[]>;
  points(name: string): Promise<DataPoint<unknown>[]>;
  reset(): void;
  close(): Promise<void>;
}

export async function startTestBed(
  config: AnthropicInstrumentationConfig = {},
  pkg: AnthropicPackage = suite.sdk,
): Promise<TestBed> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const messages = { warn: [] as string[], error: [] as string[] };
  diag.setLogger(
    {
      error: (message, ...args) => messages.error.push([message, ...args.map(String)].join(' ')),
      warn: (message, ...args) => messages.warn.push([message, ...args.map(String)].join(' ')),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = new AnthropicInstrumentation(config);
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  const fake = await startFakeLlm({ latency: false, apiKey: API_KEY });
  const require = createRequire(import.meta.url);
  const mod = require(pkg);
  const Anthropic = mod.Anthropic ?? mod.default;
  const client = new Anthropic({ baseURL: fake.anthropicUrl, apiKey: API_KEY, maxRetries: 0 });
  const version: string = JSON.parse(
    readFileSync(join(dirname(require.resolve(pkg)), 'package.json'), 'utf8'),
  ).version;
  const spans = () => exporter.getFinishedSpans();
  return {
    Anthropic,
    client,
    sdkMajor: Number.parseInt(version, 10),
    diag: messages,
    spans,
    async waitForSpans(count) {
      for (let i = 0; i < 200 && spans().length < count; i++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      return spans();
    },
    async points(name) {
      const { resourceMetrics } = await reader.collect();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const found of scope.metrics) {
          if (found.descriptor.name === name) return found.dataPoints as DataPoint<unknown>[];
        }
      }
      return [];
    },
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

/** The one point whose attributes include `match`. */
export function pointWith<T>(points: DataPoint<T>[], match: Attributes): DataPoint<T> {
  const found = points.filter((p) =>
    Object.entries(match).every(([key, value]) => p.attributes[key] === value),
  );
  if (found.length !== 1) {
    throw new Error(`expected one point with ${JSON.stringify(match)}, found ${found.length}`);
  }
  return found[0] as DataPoint<T>;
}

/** Count and sum of a histogram point. */
export function histogram(point: DataPoint<unknown>): { count: number; sum: number } {
  const value = point.value as Histogram;
  return { count: value.count, sum: value.sum ?? 0 };
}
