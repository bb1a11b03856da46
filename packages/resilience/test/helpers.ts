import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type ResilienceOptions, resilient } from '../src/index.js';

/** A fake LLM server with no model latency, started once per test file and reset before each test. */
export function useFakeLlm(): { readonly fake: FakeLlm } {
  const holder = {} as { fake: FakeLlm };
  beforeAll(async () => {
    holder.fake = await startFakeLlm({ latency: false });
  });
  afterAll(async () => {
    await holder.fake?.close();
  });
  beforeEach(() => holder.fake.reset());
  return holder;
}

/** Fast retries for tests: a few ms of backoff. */
export const FAST_RETRY = { maxRetries: 3, initialDelayMs: 2, maxDelayMs: 10 } as const;

/** A resilient client on the fake server. */
export function client(fake: FakeLlm, options: ResilienceOptions = {}): OpenAI {
  return resilient(new OpenAI({ baseURL: fake.url, apiKey: 'test' }), { retry: FAST_RETRY, ...options });
}

/** Request options that inject a fault into one request. */
export function fault(
  value: string,
  extra: Record<string, string> = {},
): { headers: Record<string, string> } {
  return { headers: { 'x-fake-fault': value, ...extra } };
}

export const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Say hello' }] };

/** Requests the server saw on the chat path. */
export function chatRequests(fake: FakeLlm) {
  return fake.stats().requests.filter((r) => r.path.endsWith('/chat/completions'));
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

class TestMetricReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** An in-memory OpenTelemetry SDK (traces and metrics) installed globally for this test file. */
export function useTelemetry() {
  const exporter = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    metrics.disable();
    context.disable();
  });
  return {
    /** Runs `fn` inside a span named `call` (standing in for the instrumentation's GenAI span) and returns it. */
    async inSpan<T>(
      fn: () => Promise<T>,
    ): Promise<{ result: T | undefined; error: unknown; span: ReadableSpan }> {
      const tracer = trace.getTracer('test');
      let result: T | undefined;
      let error: unknown;
      await tracer.startActiveSpan('call', async (span) => {
        try {
          result = await fn();
        } catch (err) {
          error = err;
        } finally {
          span.end();
        }
      });
      const spans = exporter.getFinishedSpans().filter((s) => s.name === 'call');
      return { result, error, span: spans[spans.length - 1]! };
    },
    /** Data points of a metric at this moment. */
    async points(name: string): Promise<DataPoint<unknown>[]> {
      const { resourceMetrics } = await reader.collect();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name === name) return metric.dataPoints as DataPoint<unknown>[];
        }
      }
      return [];
    },
  };
}

/** Waits until `condition` holds (polling every 5 ms), so tests do not depend on how loaded the machine is. */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
