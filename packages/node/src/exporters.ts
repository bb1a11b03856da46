import { connect } from 'node:net';
import type { Redactor } from '@aiotel/genai-core';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { TelemetryConfig } from './config.js';
import { redactMetrics, redactSpan } from './redact.js';

/** A collector outage is reported at most this often (once per outage, and outages can flap). */
const REPORT_INTERVAL_MS = 10 * 60 * 1000;

/** How long the exit-time reachability check waits for a TCP connection to the collector. */
const PROBE_TIMEOUT_MS = 300;

const TEMPORALITY = {
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  delta: AggregationTemporalityPreference.DELTA,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
} as const;

/**
 * Turns failed exports into one warning per outage instead of one per batch, and remembers whether the
 * collector is currently failing so that the SDK's own follow-up errors can be kept quiet.
 */
export class ExportHealth {
  #failing = new Set<string>();
  #lastReport = Number.NEGATIVE_INFINITY;
  #probes = new Map<string, Promise<boolean>>();

  /**
   * Set when telemetry shuts down. From then on each export first checks that the collector accepts connections:
   * the OTLP exporter retries a refused connection with backoff for up to its whole timeout, which would hold a
   * finishing app for seconds when no collector runs at all.
   */
  closing = false;

  /** Whether a TCP connection to the URL's host and port opens promptly (checked once per URL). */
  reachable(url: string): Promise<boolean> {
    let probe = this.#probes.get(url);
    if (!probe) {
      probe = probeTcp(url);
      this.#probes.set(url, probe);
    }
    return probe;
  }

  /** True while any signal's last export failed. */
  get failing(): boolean {
    return this.#failing.size > 0;
  }

  record(signal: string, url: string, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      if (this.#failing.delete(signal)) diag.info(`${signal} export to ${url} works again.`);
      return;
    }
    if (this.#failing.has(signal)) return;
    this.#failing.add(signal);
    const now = Date.now();
    if (now - this.#lastReport < REPORT_INTERVAL_MS) return;
    this.#lastReport = now;
    const reason = result.error ? `${result.error.message || result.error.name}` : 'unknown error';
    diag.warn(
      `cannot export ${signal} to ${url} (${reason}); telemetry is dropped while the collector is unreachable. ` +
        'The app is not affected; further export errors are not logged.',
    );
  }
}

/** Exports spans over OTLP/HTTP after scrubbing secrets; a batch that cannot be scrubbed is dropped, never sent raw. */
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
    sendUnlessUnreachable(this.health, 'traces', this.url, resultCallback, (done) =>
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

/** Exports metrics over OTLP/HTTP after scrubbing secrets from point attributes. */
export class SafeMetricExporter implements PushMetricExporter {
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
    sendUnlessUnreachable(this.health, 'metrics', this.url, resultCallback, (done) =>
      this.exporter.export(redacted, done),
    );
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush();
  }
}

/** The OTLP/HTTP span exporter for the configured encoding and endpoint, wrapped in redaction and quiet failure. */
export function createSpanExporter(
  config: TelemetryConfig,
  redactor: Redactor,
  health: ExportHealth,
): SpanExporter {
  const options = {
    url: config.tracesUrl,
    headers: { ...config.headers },
    timeoutMillis: config.exportTimeoutMillis,
  };
  const exporter =
    config.tracesProtocol === 'http/json'
      ? new JsonTraceExporter(options)
      : new ProtobufTraceExporter(options);
  return new SafeSpanExporter(exporter, redactor, health, config.tracesUrl);
}

/** The OTLP/HTTP metric exporter for the configured encoding, endpoint and temporality, wrapped the same way. */
export function createMetricExporter(
  config: TelemetryConfig,
  redactor: Redactor,
  health: ExportHealth,
): PushMetricExporter {
  const options = {
    url: config.metricsUrl,
    headers: { ...config.headers },
    timeoutMillis: config.exportTimeoutMillis,
    temporalityPreference: TEMPORALITY[config.metricsTemporality],
  };
  const exporter =
    config.metricsProtocol === 'http/json'
      ? new JsonMetricExporter(options)
      : new ProtobufMetricExporter(options);
  return new SafeMetricExporter(exporter, redactor, health, config.metricsUrl);
}

/** Sends a batch and records the outcome; while shutting down, drops it at once if the collector is unreachable. */
function sendUnlessUnreachable(
  health: ExportHealth,
  signal: string,
  url: string,
  resultCallback: (result: ExportResult) => void,
  send: (done: (result: ExportResult) => void) => void,
): void {
  const done = (result: ExportResult): void => {
    health.record(signal, url, result);
    resultCallback(result);
  };
  if (!health.closing) {
    send(done);
    return;
  }
  health.reachable(url).then((reachable) => {
    if (reachable) send(done);
    else done({ code: ExportResultCode.FAILED, error: new Error('connection refused or timed out') });
  });
}

function probeTcp(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.unref();
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
