import { type Env, fromEnv, resolveSetting, type Setting } from '@aiotel/genai-core';
import { DiagLogLevel } from '@opentelemetry/api';
import {
  type LogLevel,
  type MetricsTemporality,
  NODE_SETTINGS,
  type OtlpProtocol,
  type SignalExporter,
} from './settings.js';

export type { LogLevel, MetricsTemporality, OtlpProtocol } from './settings.js';

/**
 * Options of `startTelemetry()`. Each one has an environment variable equal (named in its comment); an option
 * given in code wins over the variable, the variable over the default.
 */
export interface TelemetryOptions {
  /** Start nothing (`OTEL_SDK_DISABLED=true`). Default false. */
  readonly disabled?: boolean;
  /** `service.name` (`OTEL_SERVICE_NAME`). Default: the `name` in the app's package.json, else `unknown_service:node`. */
  readonly serviceName?: string;
  /** Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES=key=value,…`); merged over the variable's. */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  /** Base URL of the collector's OTLP/HTTP receiver (`OTEL_EXPORTER_OTLP_ENDPOINT`). Default `http://localhost:4318`. */
  readonly endpoint?: string;
  /** Full traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). Default `{endpoint}/v1/traces`. */
  readonly tracesEndpoint?: string;
  /** Full metrics URL (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`). Default `{endpoint}/v1/metrics`. */
  readonly metricsEndpoint?: string;
  /** Encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`, also `…_TRACES_PROTOCOL` / `…_METRICS_PROTOCOL`). Default `http/protobuf`. */
  readonly protocol?: OtlpProtocol;
  /** Headers sent to the collector, e.g. an auth token (`OTEL_EXPORTER_OTLP_HEADERS=k=v,…`, read by the exporter). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Time limit of one export request, ms (`OTEL_EXPORTER_OTLP_TIMEOUT`). Default 10000. */
  readonly exportTimeoutMillis?: number;
  /**
   * Where spans go (`OTEL_TRACES_EXPORTER`, a comma list of `otlp`, `console`, `none`): `true` = `['otlp']`,
   * `false` = none, or a list such as `['otlp', 'console']`. Default `['otlp']`.
   */
  readonly traces?: boolean | readonly SignalExporter[];
  /** Where metrics go (`OTEL_METRICS_EXPORTER`), the same way. Default `['otlp']`. */
  readonly metrics?: boolean | readonly SignalExporter[];
  /** Interval between metric exports, ms (`OTEL_METRIC_EXPORT_INTERVAL`). Default 60000. */
  readonly metricExportIntervalMillis?: number;
  /** Metric temporality (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`). Default `cumulative`. */
  readonly metricsTemporality?: MetricsTemporality;
  /** Spans kept in memory while waiting for export; more are dropped (`OTEL_BSP_MAX_QUEUE_SIZE`). Default 2048. */
  readonly maxQueueSize?: number;
  /** Spans per export request (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). Default 512. */
  readonly maxExportBatchSize?: number;
  /** Delay between span exports, ms (`OTEL_BSP_SCHEDULE_DELAY`). Default 5000. */
  readonly scheduledDelayMillis?: number;
  /** Diagnostics written to stderr (`OTEL_LOG_LEVEL`). Default `warn`. */
  readonly logLevel?: LogLevel;
  /** Record prompts and completions on spans (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). Default false. */
  readonly captureMessageContent?: boolean;
  /** JSON file of price overrides for cost (`AIOTEL_PRICES_FILE`). Default: none, the built-in price table. */
  readonly pricesFile?: string;
  /** Longest captured content attribute, in characters (`AIOTEL_GENAI_CONTENT_MAX_LENGTH`). Default 16384. */
  readonly contentMaxLength?: number;
  /** Business attribute keys (from `withAttributes()`) allowed on metrics (`AIOTEL_METRIC_ATTRIBUTES=app.feature,…`). Default: none. */
  readonly metricAttributes?: readonly string[];
  /** Force `gen_ai.provider.name` (`AIOTEL_GENAI_PROVIDER`), e.g. for a relay. Default: inferred from server and model. */
  readonly providerName?: string;
  /** Ask streamed chat calls for usage (`stream_options.include_usage`) so their tokens are known (`AIOTEL_GENAI_INJECT_STREAM_USAGE`). Default true. */
  readonly injectStreamUsage?: boolean;
  /** Longest wait for the final flush on exit or signal, ms (`AIOTEL_SHUTDOWN_TIMEOUT_MS`). Default 5000. */
  readonly shutdownTimeoutMillis?: number;
  /** Flush on SIGTERM, SIGINT and normal exit (`AIOTEL_HANDLE_SIGNALS`). Default true. */
  readonly handleSignals?: boolean;
  /**
   * One HTTP client span per attempt under each GenAI span, and `http.client.request.duration`, from the undici
   * instrumentation (`OTEL_NODE_DISABLED_INSTRUMENTATIONS=undici` turns them off). Default true. Off saves about
   * a fifth of the kit's overhead per call (see bench/journal.md).
   */
  readonly httpSpans?: boolean;
  /** More URL query parameter names whose values are redacted (`AIOTEL_REDACT_QUERY_PARAMETERS=a,b`). Default: none beyond the built-in list. */
  readonly redactQueryParameters?: readonly string[];
}

/** Options after reading the environment and validating: every value present and sane. */
export interface TelemetryConfig {
  readonly disabled: boolean;
  readonly serviceName: string | undefined;
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  readonly tracesUrl: string;
  readonly metricsUrl: string;
  readonly tracesProtocol: OtlpProtocol;
  readonly metricsProtocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly exportTimeoutMillis: number;
  /** Exporters of spans; empty = traces off. */
  readonly traces: readonly SignalExporter[];
  /** Exporters of metrics; empty = metrics off. */
  readonly metrics: readonly SignalExporter[];
  readonly metricExportIntervalMillis: number;
  readonly metricsTemporality: MetricsTemporality;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  readonly logLevel: LogLevel;
  readonly diagLogLevel: DiagLogLevel;
  readonly captureMessageContent: boolean;
  readonly contentMaxLength: number;
  readonly pricesFile: string | undefined;
  readonly metricAttributes: readonly string[];
  readonly providerName: string | undefined;
  readonly injectStreamUsage: boolean;
  readonly shutdownTimeoutMillis: number;
  readonly handleSignals: boolean;
  readonly httpSpans: boolean;
  readonly redactQueryParameters: readonly string[];
}

/** The resolved configuration and the warnings about invalid values (each already says which default is used). */
export interface ResolvedConfig {
  readonly config: TelemetryConfig;
  readonly warnings: readonly string[];
}

const LOG_LEVELS: Readonly<Record<LogLevel, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * Reads `OTEL_*` and `AIOTEL_*` variables, merges the programmatic options over them and validates the result, each
 * setting through its row of {@link NODE_SETTINGS}. Pure: reads only `env`. Never throws: an invalid value yields one
 * warning and the default.
 */
export function resolveConfig(options: TelemetryOptions = {}, env: Env = process.env): ResolvedConfig {
  const warnings = new Set<string>();
  const given = options as Readonly<Record<string, unknown>>;
  const read = <T>(setting: Setting<T>): T => resolveSetting(setting, given[setting.option], env, warnings);
  /** A per-signal variable, else the general setting (an option given in code covers both). */
  const perSignal = <T>(setting: Setting<T | undefined>, general: T): T =>
    given[setting.option] !== undefined ? general : (fromEnv(setting, env, warnings) ?? general);

  const S = NODE_SETTINGS;
  const logLevel = read(S.logLevel);
  const baseUrl = read(S.endpoint).replace(/\/+$/, '');
  const protocol = read(S.protocol);
  // Malformed pairs get their warning here; the OTLP exporters read these variables themselves.
  fromEnv(S.headers, env, warnings);
  fromEnv(S.tracesHeaders, env, warnings);
  fromEnv(S.metricsHeaders, env, warnings);

  const config: TelemetryConfig = {
    disabled: read(S.disabled),
    serviceName: read<string | undefined>(S.serviceName),
    resourceAttributes: {
      ...fromEnv(S.resourceAttributes, env, warnings),
      ...options.resourceAttributes,
    },
    tracesUrl: read({ ...S.tracesEndpoint, default: `${baseUrl}/v1/traces` }),
    metricsUrl: read({ ...S.metricsEndpoint, default: `${baseUrl}/v1/metrics` }),
    tracesProtocol: perSignal(S.tracesProtocol, protocol),
    metricsProtocol: perSignal(S.metricsProtocol, protocol),
    headers: { ...options.headers },
    exportTimeoutMillis: read(S.exportTimeoutMillis),
    traces: read(S.traces),
    metrics: read(S.metrics),
    metricExportIntervalMillis: read(S.metricExportIntervalMillis),
    metricsTemporality: read(S.metricsTemporality),
    maxQueueSize: read(S.maxQueueSize),
    maxExportBatchSize: read(S.maxExportBatchSize),
    scheduledDelayMillis: read(S.scheduledDelayMillis),
    logLevel,
    diagLogLevel: LOG_LEVELS[logLevel],
    captureMessageContent: read(S.captureMessageContent),
    contentMaxLength: read(S.contentMaxLength),
    pricesFile: read<string | undefined>(S.pricesFile),
    metricAttributes: read(S.metricAttributes),
    providerName: read<string | undefined>(S.providerName),
    injectStreamUsage: read(S.injectStreamUsage),
    shutdownTimeoutMillis: read(S.shutdownTimeoutMillis),
    handleSignals: read(S.handleSignals),
    httpSpans: read(S.httpSpans),
    redactQueryParameters: read(S.redactQueryParameters),
  };
  return { config, warnings: [...warnings] };
}

/** `OTEL_SDK_DISABLED=true`: the preload then installs nothing at all, not even the loader hook. */
export function sdkDisabledInEnv(env: Env = process.env): boolean {
  // Its warning, if the value is bad, comes from resolveConfig.
  return fromEnv(NODE_SETTINGS.disabled, env, new Set()) === true;
}

/** `OTEL_LOG_LEVEL=none`: nothing of aiotel's may reach stderr, not even before the diag logger exists. */
export function silencedInEnv(env: Env = process.env): boolean {
  return fromEnv(NODE_SETTINGS.logLevel, env, new Set()) === 'none';
}
