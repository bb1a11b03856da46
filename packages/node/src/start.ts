import { AggregatingMeterProvider } from '@aiotel/aggregating-meter-provider';
import { createPricer, useAsDefaultPricer } from '@aiotel/cost';
import { Redactor } from '@aiotel/genai-core';
import { AnthropicInstrumentation } from '@aiotel/instrumentation-anthropic';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '@aiotel/instrumentation-openai';
import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  setGlobalErrorHandler,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { resolveConfig, type TelemetryConfig, type TelemetryOptions } from './config.js';
import { ConsoleMetricExporter, ConsoleSpanExporter } from './console-exporters.js';
import {
  createMetricExporter,
  createSpanExporter,
  ExportHealth,
  SafeMetricExporter,
  SafeSpanExporter,
} from './exporters.js';
import { learnCredentials } from './http.js';
import { HttpClientSpans } from './http-client-spans.js';
import { PooledIdGenerator } from './id-generator.js';
import { installLogger, warnConfig } from './logger.js';
import { createResource, findAppPackage } from './resource.js';
import { handleProcessExit, withinTimeout } from './shutdown.js';
import { useFastSpanAttributes } from './span-attributes.js';
import { PreloadTracerProvider } from './tracer-provider.js';

/** The running telemetry, as returned by {@link startTelemetry}. */
export interface Telemetry {
  /**
   * Exports what is pending and stops. Bounded by `shutdownTimeoutMillis` (default 5000 ms); never rejects.
   * Call it before `process.exit()`, which gives no chance to flush.
   */
  shutdown(): Promise<void>;
  /** Exports what is pending and keeps running. Bounded and never rejects, like {@link Telemetry.shutdown}. */
  forceFlush(): Promise<void>;
}

/** Where the running instance lives: one per process, shared by the ESM and CJS copies of this package. */
const RUNNING = Symbol.for('@aiotel/node.telemetry');
type GlobalWithTelemetry = typeof globalThis & { [RUNNING]?: Telemetry };

const NOTHING_RUNNING: Telemetry = {
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/**
 * Starts OpenTelemetry for an app that calls AI APIs through the `openai` or `@anthropic-ai/sdk` SDK: GenAI spans and metrics from
 * `@aiotel/instrumentation-openai`, one HTTP child span per attempt made with `fetch` (unless `httpSpans` is
 * false), both exported over OTLP/HTTP with secrets scrubbed, flushed on exit and on SIGTERM/SIGINT. Options fall back to the `OTEL_*` /
 * `AIOTEL_*` environment variables (see README). Never throws: a bad setting gives one `[aiotel]` warning and its
 * default. A second call returns the instance already running.
 *
 * Patching works for `require('openai')` and for `import 'openai'` when the ESM hook is in place: prefer
 * `node --import @aiotel/node/register app.js`; call this yourself only before the app loads `openai`.
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const global = globalThis as GlobalWithTelemetry;
  const running = global[RUNNING];
  if (running) {
    diag.warn('telemetry is already started in this process; using the running instance.');
    return running;
  }
  let telemetry: Telemetry;
  try {
    telemetry = start(options);
  } catch (error) {
    warnConfig(
      `could not start telemetry, the app runs without it: ${error instanceof Error ? error.message : String(error)}`,
    );
    telemetry = NOTHING_RUNNING;
  }
  global[RUNNING] = telemetry;
  return telemetry;
}

/**
 * Flushes and stops the telemetry started by the preload or by {@link startTelemetry}, if any. For apps with their
 * own SIGTERM handler that call `process.exit()`: `await shutdownTelemetry()` first.
 */
export function shutdownTelemetry(): Promise<void> {
  return ((globalThis as GlobalWithTelemetry)[RUNNING] ?? NOTHING_RUNNING).shutdown();
}

function start(options: TelemetryOptions): Telemetry {
  const { config, warnings } = resolveConfig(options);
  const redactor = new Redactor({ queryParameters: config.redactQueryParameters, env: process.env });
  installLogger(config.diagLogLevel, redactor);
  for (const warning of warnings) diag.warn(warning);
  if (config.disabled) return NOTHING_RUNNING;

  const health = new ExportHealth();
  // Shutdown's hold on the exports in flight: `closing` stops their retries, `abandoned` destroys what is still open.
  const closing = new AbortController();
  const abandoned = new AbortController();
  const signals = { closing: closing.signal, abandoned: abandoned.signal };
  setGlobalErrorHandler((error) => {
    // While the collector is down, the SDK's own follow-up errors repeat what ExportHealth already said once.
    if (health.failing) diag.debug('telemetry error:', error);
    else diag.warn('telemetry error:', error);
  });

  const resource = createResource(config, findAppPackage());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );

  let tracerProvider: PreloadTracerProvider | undefined;
  let spanExporter: SpanExporter | undefined;
  const spanProcessors: SpanProcessor[] = [];
  if (config.traces.includes('otlp')) {
    spanExporter = createSpanExporter(config, redactor, health, signals);
    spanProcessors.push(
      new BatchSpanProcessor({
        exporter: spanExporter,
        maxQueueSize: config.maxQueueSize,
        maxExportBatchSize: Math.min(config.maxExportBatchSize, config.maxQueueSize),
        scheduledDelayMillis: config.scheduledDelayMillis,
        exportTimeoutMillis: config.exportTimeoutMillis,
      }),
    );
  }
  if (config.traces.includes('console')) {
    // Each span's line is printed as it ends, in step with the app's own output.
    const exporter = new SafeSpanExporter(new ConsoleSpanExporter(), redactor, health, 'stdout');
    spanProcessors.push(new SimpleSpanProcessor({ exporter }));
  }
  if (spanProcessors.length > 0) {
    useFastSpanAttributes(resource);
    tracerProvider = new PreloadTracerProvider({
      resource,
      spanProcessors,
      idGenerator: new PooledIdGenerator(),
    });
    trace.setGlobalTracerProvider(tracerProvider);
  }

  let meterProvider: MeterProvider | undefined;
  // What instrumentations and apps measure with: histograms and counters are aggregated without the SDK's
  // per-measurement attribute hashing, and collected by each reader with the SDK's own points.
  let measuringProvider: AggregatingMeterProvider | undefined;
  const metricExporters = config.metrics.map((exporter) =>
    exporter === 'otlp'
      ? createMetricExporter(config, redactor, health, signals)
      : new SafeMetricExporter(new ConsoleMetricExporter(), redactor, health, 'stdout'),
  );
  if (metricExporters.length > 0) {
    const aggregating = new AggregatingMeterProvider();
    measuringProvider = aggregating;
    const readers = metricExporters.map((exporter) => {
      // Each reader has its own producer: its own series and temporality (console beside otlp).
      const producer = aggregating.addReader();
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.metricExportIntervalMillis,
        // The reader refuses a timeout longer than the interval.
        exportTimeoutMillis: Math.min(config.exportTimeoutMillis, config.metricExportIntervalMillis),
        metricProducers: [producer],
      });
      producer.useReader(reader);
      return reader;
    });
    meterProvider = new MeterProvider({ resource, readers });
    aggregating.useSdk(meterProvider);
    metrics.setGlobalMeterProvider(aggregating);
  }

  const genAI = openAIConfig(config);
  // @anthropic-ai/sdk >= 0.134 adds its own span per call under a global tracer provider: a second GenAI span.
  process.env.ANTHROPIC_OPEN_TELEMETRY ??= 'false';
  const instrumentations: Instrumentation[] = [
    new OpenAIInstrumentation(genAI),
    new AnthropicInstrumentation(genAI),
  ];
  // After the global providers are set: the HTTP spans record through them.
  const httpSpans = config.httpSpans ? new HttpClientSpans(redactor) : undefined;
  httpSpans?.enable();
  const stopLearning = httpSpans ? undefined : learnCredentials(redactor);
  const unregister = registerInstrumentations({
    instrumentations,
    ...(tracerProvider ? { tracerProvider } : {}),
    ...(measuringProvider ? { meterProvider: measuringProvider } : {}),
  });

  // A flush that failed because the collector is unreachable was already reported once by ExportHealth.
  const quietWhileCollectorDown = (error: unknown): void => {
    if (!health.failing) throw error;
    diag.debug('flushing telemetry failed while the collector is unreachable:', error);
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    closing.abort();
    stopped ??= Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()])
      .catch(quietWhileCollectorDown)
      .then(() => {
        unregister();
        httpSpans?.disable();
        stopLearning?.();
      });
    return stopped;
  };
  // The span processor does not wait for the exporter's batches in flight (it is told at once that they are taken).
  const flush = (): Promise<void> =>
    Promise.all([
      tracerProvider?.forceFlush().then(() => spanExporter?.forceFlush?.()),
      meterProvider?.forceFlush(),
    ])
      .catch(quietWhileCollectorDown)
      .then(() => undefined);

  let disposeExitHandlers: (() => void) | undefined;
  const telemetry: Telemetry = {
    shutdown: async () => {
      disposeExitHandlers?.();
      await withinTimeout(stop, config.shutdownTimeoutMillis);
      abandoned.abort();
    },
    forceFlush: async () => {
      await withinTimeout(flush, config.shutdownTimeoutMillis);
    },
  };
  if (config.handleSignals) {
    disposeExitHandlers = handleProcessExit(
      { shutdown: stop, forceFlush: flush },
      config.shutdownTimeoutMillis,
    );
  }
  diag.debug(
    `telemetry started: traces → ${config.traces.join(', ') || 'none'} (${config.tracesUrl}), metrics → ` +
      `${config.metrics.join(', ') || 'none'} (${config.metricsUrl})`,
  );
  return telemetry;
}

/** The instrumentation's settings, read once by resolveConfig from the same rows, passed on so it reads no variable itself. */
function openAIConfig(config: TelemetryConfig): OpenAIInstrumentationConfig {
  const result: OpenAIInstrumentationConfig = {
    captureMessageContent: config.captureMessageContent,
    contentMaxLength: config.contentMaxLength,
    injectStreamUsage: config.injectStreamUsage,
    metricAttributes: config.metricAttributes,
  };
  if (config.providerName !== undefined) result.providerName = config.providerName;
  if (config.pricesFile !== undefined) {
    const pricer = createPricer({
      pricesFile: config.pricesFile,
      onWarning: (message) => diag.warn(message),
    });
    // One pricer for the spans and for `@aiotel/resilience`'s budget, which prices with the default one.
    useAsDefaultPricer(pricer);
    result.pricer = pricer;
  }
  return result;
}
