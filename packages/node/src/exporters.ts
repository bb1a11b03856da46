import type { Redactor } from '@aiotel/genai-core';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporterBase,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { createOtlpNetworkExportDelegate, OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExporterMetrics,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  JsonMetricsSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { TelemetryConfig } from './config.js';
import { ExportError } from './export-errors.js';
import { MetricSendQueue } from './metric-send-queue.js';
import { type ExportSignals, type OtlpHttpSettings, OtlpHttpTransport } from './otlp-transport.js';
import { redactMetrics, redactSpan } from './redact.js';
import { SpanJsonSerializer } from './span-json.js';
import { SpanProtobufSerializer } from './span-protobuf.js';

/** A failure of one class is reported at most this often (once per outage, and outages can flap). */
const REPORT_INTERVAL_MS = 10 * 60 * 1000;

const TEMPORALITY = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
} as const;

/**
 * Turns failed exports into one warning per kind of failure (refused, timeout, TLS, 404, …) instead of one per
 * batch, each saying what to fix, and remembers whether the collector is currently failing so that the SDK's own
 * follow-up errors can be kept quiet.
 */
export class ExportHealth {
  #failing = new Set<string>();
  #reported = new Map<string, number>();

  /** True while any signal's last export failed. */
  get failing(): boolean {
    return this.#failing.size > 0;
  }

  record(signal: string, url: string, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      if (this.#failing.delete(signal)) diag.info(`${signal} export to ${url} works again.`);
      return;
    }
    this.#failing.add(signal);
    const error = result.error;
    const kind = error instanceof ExportError ? error.kind : 'other';
    if (kind === 'abandoned') {
      diag.debug(`${signal} export to ${url} abandoned at shutdown.`);
      return;
    }
    const now = Date.now();
    if (now - (this.#reported.get(kind) ?? Number.NEGATIVE_INFINITY) < REPORT_INTERVAL_MS) return;
    this.#reported.set(kind, now);
    const reason = error ? error.message || error.name : 'unknown error';
    diag.warn(
      `cannot export ${signal} to ${url}: ${reason} (telemetry is dropped until this is fixed; the app is not affected)`,
    );
  }
}

/** Exports spans (OTLP/HTTP or console) after scrubbing secrets; a batch that cannot be scrubbed is dropped, never sent raw. */
export class SafeSpanExporter implements SpanExporter {
  constructor(
    private readonly exporter: SpanExporter,
    private readonly redactor: Redactor,
    private readonly health: ExportHealth,
    private readonly url: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let redacted: ReadableSpan[];
    try {
      redacted = spans.map((span) => redactSpan(span, this.redactor));
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: asError(error) });
      return;
    }
    sendInBackground(this.health, 'traces', this.url, resultCallback, (done) =>
      this.exporter.export(redacted, done),
    );
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

/** Exports metrics (OTLP/HTTP or console) after scrubbing secrets from point attributes, one batch at a time. */
export class SafeMetricExporter implements PushMetricExporter {
  readonly #queue = new MetricSendQueue((batch, sent) =>
    sendInBackground(
      this.health,
      'metrics',
      this.url,
      () => {},
      (done) => this.exporter.export(batch, done),
      sent,
    ),
  );

  constructor(
    private readonly exporter: PushMetricExporter,
    private readonly redactor: Redactor,
    private readonly health: ExportHealth,
    private readonly url: string,
  ) {
    // The reader asks the exporter which temporality and aggregation to use.
    if (exporter.selectAggregationTemporality) {
      this.selectAggregationTemporality = exporter.selectAggregationTemporality.bind(exporter);
    }
    if (exporter.selectAggregation) this.selectAggregation = exporter.selectAggregation.bind(exporter);
  }

  selectAggregationTemporality?: PushMetricExporter['selectAggregationTemporality'];
  selectAggregation?: PushMetricExporter['selectAggregation'];

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    let redacted: ResourceMetrics;
    try {
      redacted = redactMetrics(metrics, this.redactor);
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: asError(error) });
      return;
    }
    this.#queue.add(redacted);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {
    await this.#queue.drained();
    return this.exporter.shutdown();
  }

  async forceFlush(): Promise<void> {
    await this.#queue.drained();
    return this.exporter.forceFlush();
  }
}

/** The OTLP/HTTP span exporter for the configured encoding and endpoint, wrapped in redaction and quiet failure. */
export function createSpanExporter(
  config: TelemetryConfig,
  redactor: Redactor,
  health: ExportHealth,
  signals: ExportSignals,
): SpanExporter {
  const json = config.tracesProtocol === 'http/json';
  const settings = otlpSettings(config, 'TRACES', config.tracesUrl, json);
  // Upstream's OTLPTraceExporter, but with a transport that never holds the process (see OtlpHttpTransport) and our
  // encoders of the same bytes at a fraction of the cost (see SpanProtobufSerializer, SpanJsonSerializer).
  // The transport gives each request's bytes back to the encoder once sent, for a later request to be written in.
  const serializer = json ? new SpanJsonSerializer() : new SpanProtobufSerializer();
  const exporter = new OTLPExporterBase<ReadableSpan[]>(
    createOtlpNetworkExportDelegate(
      settings,
      serializer,
      createOtlpHttpExporterMetrics(
        'otlp_http_span_exporter',
        TraceExporterMetricsHelper,
        settings.url,
        undefined,
      ),
      new OtlpHttpTransport(settings, signals, (data) => serializer.release(data)),
    ),
  );
  return new SafeSpanExporter(exporter, redactor, health, config.tracesUrl);
}

/** The OTLP/HTTP metric exporter for the configured encoding, endpoint and temporality, wrapped the same way. */
export function createMetricExporter(
  config: TelemetryConfig,
  redactor: Redactor,
  health: ExportHealth,
  signals: ExportSignals,
): PushMetricExporter {
  const json = config.metricsProtocol === 'http/json';
  const settings = otlpSettings(config, 'METRICS', config.metricsUrl, json);
  const exporter = new OTLPMetricExporterBase(
    createOtlpNetworkExportDelegate(
      settings,
      json ? JsonMetricsSerializer : ProtobufMetricsSerializer,
      createOtlpHttpExporterMetrics(
        'otlp_http_metric_exporter',
        MetricsExporterMetricsHelper,
        settings.url,
        undefined,
      ),
      new OtlpHttpTransport(settings, signals),
    ),
    { temporalityPreference: TEMPORALITY[config.metricsTemporality] },
  );
  return new SafeMetricExporter(exporter, redactor, health, config.metricsUrl);
}

/** Upstream's resolution of the exporter settings: ours first, then `OTEL_EXPORTER_OTLP_[signal_]*` (TLS files, compression…). */
function otlpSettings(
  config: TelemetryConfig,
  signal: 'TRACES' | 'METRICS',
  url: string,
  json: boolean,
): OtlpHttpSettings {
  return convertLegacyHttpOptions(
    { url, headers: { ...config.headers }, timeoutMillis: config.exportTimeoutMillis },
    signal,
    `v1/${signal.toLowerCase()}`,
    { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' },
  );
}

/**
 * Hands a batch to the exporter and tells the SDK at once that it is taken; the outcome goes to ExportHealth. The SDK
 * waits for an export's result under timers it does not unref (BatchSpanProcessor's export timeout,
 * PeriodicExportingMetricReader's callWithTimeout in sdk-trace / sdk-metrics 3.1), which kept a finished app alive
 * while the collector hung; forceFlush() and shutdown() still wait for the batches in flight.
 */
function sendInBackground(
  health: ExportHealth,
  signal: string,
  url: string,
  resultCallback: (result: ExportResult) => void,
  send: (done: (result: ExportResult) => void) => void,
  sent?: () => void,
): void {
  const done = (result: ExportResult): void => {
    health.record(signal, url, result);
    sent?.();
  };
  try {
    send(done);
  } catch (error) {
    done({ code: ExportResultCode.FAILED, error: asError(error) });
  }
  resultCallback({ code: ExportResultCode.SUCCESS });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
