import { DiagLogLevel } from '@opentelemetry/api';
import { type SignalExporter, signalExporters } from './exporter-selection.js';

/** OTLP/HTTP encodings @aiotel/node can send. gRPC is not loaded (it would pull @grpc/grpc-js into every app). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** How cumulative or delta metric points are exported (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`). */
export type MetricsTemporality = 'cumulative' | 'delta' | 'lowmemory';

/** Verbosity of aiotel's own diagnostics on stderr (`OTEL_LOG_LEVEL`). */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

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
  /** Business attribute keys (from `withAttributes()`) allowed on metrics (`AIOTEL_METRIC_ATTRIBUTES=app.feature,…`). Default: the instrumentation's. */
  readonly metricAttributes?: readonly string[];
  /** Force `gen_ai.provider.name` (`AIOTEL_GENAI_PROVIDER`), e.g. for a relay. Default: inferred from server and model. */
  readonly genAiProvider?: string;
  /** Ask streamed chat calls for usage (`stream_options.include_usage`) so their tokens are known (`AIOTEL_GENAI_INJECT_STREAM_USAGE`). Default: the instrumentation's. */
  readonly injectStreamUsage?: boolean;
  /** Longest wait for the final flush on exit or signal, ms (`AIOTEL_SHUTDOWN_TIMEOUT_MS`). Default 5000. */
  readonly shutdownTimeoutMillis?: number;
  /** Flush on SIGTERM, SIGINT and normal exit (`AIOTEL_HANDLE_SIGNALS`). Default true. */
  readonly handleSignals?: boolean;
  /**
   * One HTTP client span per attempt under each GenAI span, and `http.client.request.duration`, from the undici
   * instrumentation (`OTEL_NODE_DISABLED_INSTRUMENTATIONS=undici` turns them off). Default true. Off saves about
   * a fifth of the kit's overhead per call (see bench/README.md).
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
  readonly pricesFile: string | undefined;
  readonly metricAttributes: readonly string[] | undefined;
  readonly genAiProvider: string | undefined;
  readonly injectStreamUsage: boolean | undefined;
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

const DEFAULT_ENDPOINT = 'http://localhost:4318';

const LOG_LEVELS: Readonly<Record<LogLevel, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads `OTEL_*` and `AIOTEL_*` variables, merges the programmatic options over them and validates the result.
 * Never throws: an invalid value yields a warning and the default.
 */
export function resolveConfig(options: TelemetryOptions = {}, env: Env = process.env): ResolvedConfig {
  const warnings = new Set<string>();
  const read = new EnvReader(env, warnings);

  const logLevel =
    options.logLevel ?? read.oneOf('OTEL_LOG_LEVEL', Object.keys(LOG_LEVELS) as LogLevel[], 'warn');
  const endpoint = options.endpoint ?? read.string('OTEL_EXPORTER_OTLP_ENDPOINT');
  const baseUrl = validUrl(endpoint, 'OTEL_EXPORTER_OTLP_ENDPOINT', DEFAULT_ENDPOINT, warnings);
  const signalUrl = (name: string, given: string | undefined, path: string): string => {
    const fallback = `${baseUrl.replace(/\/+$/, '')}/${path}`;
    return validUrl(given ?? read.string(name), name, fallback, warnings);
  };

  const generalProtocol = protocolOf(
    options.protocol ?? read.string('OTEL_EXPORTER_OTLP_PROTOCOL'),
    warnings,
  );
  const signalProtocol = (name: string): OtlpProtocol =>
    options.protocol ?? (read.has(name) ? protocolOf(read.string(name), warnings, name) : generalProtocol);

  const config: TelemetryConfig = {
    disabled: options.disabled ?? read.boolean('OTEL_SDK_DISABLED', false),
    serviceName: options.serviceName ?? read.string('OTEL_SERVICE_NAME'),
    resourceAttributes: {
      ...read.keyValues('OTEL_RESOURCE_ATTRIBUTES'),
      ...options.resourceAttributes,
    },
    tracesUrl: signalUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', options.tracesEndpoint, 'v1/traces'),
    metricsUrl: signalUrl('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', options.metricsEndpoint, 'v1/metrics'),
    tracesProtocol: signalProtocol('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'),
    metricsProtocol: signalProtocol('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL'),
    headers: { ...options.headers },
    exportTimeoutMillis:
      options.exportTimeoutMillis ?? read.positiveInteger('OTEL_EXPORTER_OTLP_TIMEOUT', 10_000),
    traces: signalExporters(
      'OTEL_TRACES_EXPORTER',
      options.traces,
      read.string('OTEL_TRACES_EXPORTER'),
      warnings,
    ),
    metrics: signalExporters(
      'OTEL_METRICS_EXPORTER',
      options.metrics,
      read.string('OTEL_METRICS_EXPORTER'),
      warnings,
    ),
    metricExportIntervalMillis:
      options.metricExportIntervalMillis ?? read.positiveInteger('OTEL_METRIC_EXPORT_INTERVAL', 60_000),
    metricsTemporality:
      options.metricsTemporality ??
      read.oneOf(
        'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
        ['cumulative', 'delta', 'lowmemory'],
        'cumulative',
      ),
    maxQueueSize: options.maxQueueSize ?? read.positiveInteger('OTEL_BSP_MAX_QUEUE_SIZE', 2048),
    maxExportBatchSize:
      options.maxExportBatchSize ?? read.positiveInteger('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    scheduledDelayMillis:
      options.scheduledDelayMillis ?? read.positiveInteger('OTEL_BSP_SCHEDULE_DELAY', 5000),
    logLevel,
    diagLogLevel: LOG_LEVELS[logLevel] ?? DiagLogLevel.WARN,
    captureMessageContent:
      options.captureMessageContent ??
      read.boolean('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', false),
    pricesFile: options.pricesFile ?? read.string('AIOTEL_PRICES_FILE'),
    metricAttributes: options.metricAttributes ?? read.list('AIOTEL_METRIC_ATTRIBUTES'),
    genAiProvider: options.genAiProvider ?? read.string('AIOTEL_GENAI_PROVIDER'),
    injectStreamUsage: options.injectStreamUsage ?? read.optionalBoolean('AIOTEL_GENAI_INJECT_STREAM_USAGE'),
    shutdownTimeoutMillis:
      options.shutdownTimeoutMillis ?? read.positiveInteger('AIOTEL_SHUTDOWN_TIMEOUT_MS', 5000),
    handleSignals: options.handleSignals ?? read.boolean('AIOTEL_HANDLE_SIGNALS', true),
    httpSpans: options.httpSpans ?? !read.undiciDisabled(),
    redactQueryParameters: options.redactQueryParameters ?? read.list('AIOTEL_REDACT_QUERY_PARAMETERS') ?? [],
  };
  return { config, warnings: [...warnings] };
}

function protocolOf(
  value: string | undefined,
  warnings: Set<string>,
  name = 'OTEL_EXPORTER_OTLP_PROTOCOL',
): OtlpProtocol {
  const protocol = value?.trim().toLowerCase();
  if (protocol === undefined || protocol === '' || protocol === 'http/protobuf') return 'http/protobuf';
  if (protocol === 'http/json') return 'http/json';
  if (protocol === 'grpc') {
    warnings.add(
      `${name}=grpc is not supported (@aiotel/node sends OTLP over HTTP only); using http/protobuf. ` +
        'Point OTEL_EXPORTER_OTLP_ENDPOINT at the collector HTTP port (usually 4318).',
    );
  } else {
    warnings.add(`${name}="${value}" is not one of http/protobuf, http/json; using http/protobuf.`);
  }
  return 'http/protobuf';
}

function validUrl(value: string | undefined, name: string, fallback: string, warnings: Set<string>): string {
  if (value === undefined || value.trim() === '') return fallback;
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // Reported below, the same as a non-HTTP scheme.
  }
  warnings.add(`${name}="${value}" is not an http(s) URL; using ${fallback}.`);
  return fallback;
}

/** Typed access to environment variables; every invalid value adds one warning naming the default it falls back to. */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly warnings: Set<string>,
  ) {}

  has(name: string): boolean {
    return this.string(name) !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  boolean(name: string, fallback: boolean): boolean {
    return this.optionalBoolean(name) ?? fallback;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.warnings.add(`${name}="${value}" is not true or false; ignoring it.`);
    return undefined;
  }

  positiveInteger(name: string, fallback: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (Number.isInteger(number) && number > 0) return number;
    this.warnings.add(`${name}="${value}" is not a positive whole number; using ${fallback}.`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase() as T;
    if (allowed.includes(lower)) return lower;
    this.warnings.add(`${name}="${value}" is not one of ${allowed.join(', ')}; using ${fallback}.`);
    return fallback;
  }

  /**
   * Whether `OTEL_NODE_DISABLED_INSTRUMENTATIONS` (the variable auto-instrumentations-node reads) lists `undici`. Of
   * this preload's two instrumentations only that one can be turned off (the GenAI one is the point of it); other
   * names get one warning.
   */
  undiciDisabled(): boolean {
    const name = 'OTEL_NODE_DISABLED_INSTRUMENTATIONS';
    const names = this.list(name)?.map((item) => item.toLowerCase()) ?? [];
    const others = names.filter((item) => item !== 'undici');
    if (others.length > 0) {
      this.warnings.add(
        `${name}: ${others.join(', ')} ignored; the one instrumentation of @aiotel/node that can be turned off is undici (the HTTP attempt spans).`,
      );
    }
    return others.length < names.length;
  }

  list(name: string): string[] | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** W3C Baggage-style `key=value,key2=value2` with percent-encoded values, as `OTEL_RESOURCE_ATTRIBUTES` uses. */
  keyValues(name: string): Record<string, string> {
    const value = this.string(name);
    const result: Record<string, string> = {};
    if (value === undefined) return result;
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.indexOf('=');
      const key = at > 0 ? pair.slice(0, at).trim() : '';
      if (key === '') {
        this.warnings.add(`${name}: "${pair.trim()}" is not key=value; skipping it.`);
        continue;
      }
      const raw = pair.slice(at + 1).trim();
      try {
        result[key] = decodeURIComponent(raw);
      } catch {
        result[key] = raw;
      }
    }
    return result;
  }
}

/** `OTEL_SDK_DISABLED=true`: the preload then installs nothing at all, not even the loader hook. */
export function sdkDisabledInEnv(env: Env = process.env): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}
