import {
  booleanSetting,
  nameListSetting,
  oneOfSetting,
  positiveIntegerSetting,
  type Setting,
  type SettingParser,
  textSetting,
} from '@aiotel/genai-core';
import { INSTRUMENTATION_SETTINGS } from '@aiotel/instrumentation-openai';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';

/** OTLP/HTTP encodings @aiotel/node can send. gRPC is not loaded (it would pull @grpc/grpc-js into every app). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** How cumulative or delta metric points are exported (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`). */
export type MetricsTemporality = 'cumulative' | 'delta' | 'lowmemory';

/** Verbosity of aiotel's own diagnostics on stderr (`OTEL_LOG_LEVEL`). */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

export const LOG_LEVEL_NAMES: readonly LogLevel[] = [
  'none',
  'error',
  'warn',
  'info',
  'debug',
  'verbose',
  'all',
];

/** An http(s) URL, normalised. */
const urlSetting: SettingParser<string> = {
  expected: 'an http(s) URL',
  parse: (raw) => httpUrl(raw),
  check: (value) => (typeof value === 'string' ? httpUrl(value.trim()) : undefined),
};

function httpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

const protocolSetting: SettingParser<OtlpProtocol> = {
  ...oneOfSetting<OtlpProtocol>(['http/protobuf', 'http/json']),
  hint: (raw) =>
    raw.toLowerCase() === 'grpc'
      ? 'grpc is not supported (@aiotel/node sends OTLP over HTTP only): point OTEL_EXPORTER_OTLP_ENDPOINT at the collector HTTP port (usually 4318).'
      : undefined,
};

/**
 * `key=value,key2=value2` with percent-encoded values (W3C Baggage style, as `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` use), read pair by pair with `@opentelemetry/core`'s reader, the one the OTLP
 * exporters use: a pair it would drop silently (`x-token`, no `=`) gets a warning instead.
 */
const keyValuesSetting: SettingParser<Readonly<Record<string, string>>> = {
  expected: 'key=value pairs',
  parse: (raw, skip) => {
    const result: Record<string, string> = {};
    for (const pair of raw.split(',')) {
      if (pair.trim() === '') continue;
      const parsed = parseKeyPairsIntoRecord(pair);
      if (Object.keys(parsed).length === 0) skip(pair.trim(), 'key=value (separate pairs with commas)');
      Object.assign(result, parsed);
    }
    return result;
  },
  check: (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Readonly<Record<string, string>>)
      : undefined,
};

/** Where a signal goes: OTLP/HTTP to the collector, or readable lines on stdout (`console`). */
export type SignalExporter = 'otlp' | 'console';

const SIGNAL_EXPORTERS: readonly SignalExporter[] = ['otlp', 'console'];

/**
 * `OTEL_TRACES_EXPORTER` / `OTEL_METRICS_EXPORTER` as the OpenTelemetry environment specification defines them: a
 * comma list of `otlp`, `console` and `none` (the signal off). Other exporters (zipkin, prometheus, …) are not part
 * of this distribution: each is left out with its own warning. In code: `true` = otlp, `false` = none, or a list.
 */
const exportersSetting: SettingParser<readonly SignalExporter[]> = {
  expected: 'otlp, console or none (the exporters @aiotel/node has)',
  parse: (raw, skip) => {
    const names = raw
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== '');
    if (names.includes('none')) {
      for (const name of names) {
        if (name !== 'none') skip(name, 'compatible with none, which turns the signal off');
      }
      return [];
    }
    const chosen = SIGNAL_EXPORTERS.filter((exporter) => names.includes(exporter));
    if (chosen.length === 0) return undefined;
    for (const name of names) {
      if (!(chosen as readonly string[]).includes(name)) skip(name, exportersSetting.expected);
    }
    return chosen;
  },
  check: (value) => {
    if (value === true) return ['otlp'];
    if (value === false) return [];
    if (!Array.isArray(value) || !value.every((item) => SIGNAL_EXPORTERS.includes(item))) return undefined;
    return SIGNAL_EXPORTERS.filter((exporter) => value.includes(exporter));
  },
};

/**
 * Whether the HTTP attempt spans stay on, from `OTEL_NODE_DISABLED_INSTRUMENTATIONS` (the variable
 * auto-instrumentations-node reads): of this preload's two instrumentations only undici can be turned off (the GenAI
 * one is the point of it); any other name gets its own warning.
 */
const disabledInstrumentationsSetting: SettingParser<boolean> = {
  expected: 'a list of instrumentation names',
  parse: (raw, skip) => {
    let undici = false;
    for (const item of raw.split(',')) {
      const name = item.trim().toLowerCase();
      if (name === 'undici') undici = true;
      else if (name !== '')
        skip(item.trim(), 'undici, the one instrumentation of @aiotel/node that can be turned off');
    }
    return !undici;
  },
  check: booleanSetting.check,
};

/**
 * `AIOTEL_ESM_HOOK_THREAD=true`: run the ESM loader hook on a loader thread of its own (`module.register`) even where
 * Node can run it in the app's thread. Read by `@aiotel/node/register` before anything starts, so it has no option
 * in code; the way back should the in-thread hook ever clash with another loader.
 */
export const ESM_HOOK_THREAD: Setting<boolean> = {
  option: '—',
  env: 'AIOTEL_ESM_HOOK_THREAD',
  parser: booleanSetting,
  default: false,
};

/**
 * Every setting of `@aiotel/node`: option of `startTelemetry()`, environment variable, parser and default. The GenAI
 * rows are the instrumentation's own ({@link INSTRUMENTATION_SETTINGS}): read once here and passed on as options.
 * The README's configuration table is checked against this one.
 */
export const NODE_SETTINGS = {
  disabled: { option: 'disabled', env: 'OTEL_SDK_DISABLED', parser: booleanSetting, default: false },
  serviceName: {
    option: 'serviceName',
    env: 'OTEL_SERVICE_NAME',
    parser: textSetting,
    default: undefined,
    documentedDefault: "app's package.json `name`",
  },
  resourceAttributes: {
    option: 'resourceAttributes',
    env: 'OTEL_RESOURCE_ATTRIBUTES',
    parser: keyValuesSetting,
    default: {},
    documentedDefault: '—',
  },
  endpoint: {
    option: 'endpoint',
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    parser: urlSetting,
    default: 'http://localhost:4318',
  },
  tracesEndpoint: {
    option: 'tracesEndpoint',
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    parser: urlSetting,
    default: undefined,
    documentedDefault: '`{endpoint}/v1/traces`',
  },
  metricsEndpoint: {
    option: 'metricsEndpoint',
    env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    parser: urlSetting,
    default: undefined,
    documentedDefault: '`{endpoint}/v1/metrics`',
  },
  protocol: {
    option: 'protocol',
    env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    parser: protocolSetting,
    default: 'http/protobuf',
  },
  tracesProtocol: {
    option: 'protocol',
    env: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    parser: protocolSetting,
    default: undefined,
    documentedDefault: '`http/protobuf`',
  },
  metricsProtocol: {
    option: 'protocol',
    env: 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
    parser: protocolSetting,
    default: undefined,
    documentedDefault: '`http/protobuf`',
  },
  headers: {
    option: 'headers',
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    parser: keyValuesSetting,
    default: {},
    documentedDefault: '—',
  },
  tracesHeaders: {
    option: 'headers',
    env: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    parser: keyValuesSetting,
    default: {},
    documentedDefault: '—',
  },
  metricsHeaders: {
    option: 'headers',
    env: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
    parser: keyValuesSetting,
    default: {},
    documentedDefault: '—',
  },
  exportTimeoutMillis: {
    option: 'exportTimeoutMillis',
    env: 'OTEL_EXPORTER_OTLP_TIMEOUT',
    parser: positiveIntegerSetting,
    default: 10_000,
  },
  metricsTemporality: {
    option: 'metricsTemporality',
    env: 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
    parser: oneOfSetting<MetricsTemporality>(['cumulative', 'delta', 'lowmemory']),
    default: 'cumulative',
  },
  metricExportIntervalMillis: {
    option: 'metricExportIntervalMillis',
    env: 'OTEL_METRIC_EXPORT_INTERVAL',
    parser: positiveIntegerSetting,
    default: 60_000,
  },
  traces: { option: 'traces', env: 'OTEL_TRACES_EXPORTER', parser: exportersSetting, default: ['otlp'] },
  metrics: { option: 'metrics', env: 'OTEL_METRICS_EXPORTER', parser: exportersSetting, default: ['otlp'] },
  maxQueueSize: {
    option: 'maxQueueSize',
    env: 'OTEL_BSP_MAX_QUEUE_SIZE',
    parser: positiveIntegerSetting,
    default: 2048,
  },
  maxExportBatchSize: {
    option: 'maxExportBatchSize',
    env: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    parser: positiveIntegerSetting,
    default: 512,
  },
  scheduledDelayMillis: {
    option: 'scheduledDelayMillis',
    env: 'OTEL_BSP_SCHEDULE_DELAY',
    parser: positiveIntegerSetting,
    default: 5000,
  },
  logLevel: {
    option: 'logLevel',
    env: 'OTEL_LOG_LEVEL',
    parser: oneOfSetting<LogLevel>(LOG_LEVEL_NAMES),
    default: 'warn',
  },
  ...INSTRUMENTATION_SETTINGS,
  pricesFile: {
    option: 'pricesFile',
    env: 'AIOTEL_PRICES_FILE',
    parser: textSetting,
    default: undefined,
    documentedDefault: '—',
  },
  shutdownTimeoutMillis: {
    option: 'shutdownTimeoutMillis',
    env: 'AIOTEL_SHUTDOWN_TIMEOUT_MS',
    parser: positiveIntegerSetting,
    default: 5000,
  },
  handleSignals: {
    option: 'handleSignals',
    env: 'AIOTEL_HANDLE_SIGNALS',
    parser: booleanSetting,
    default: true,
  },
  httpSpans: {
    option: 'httpSpans',
    env: 'OTEL_NODE_DISABLED_INSTRUMENTATIONS',
    parser: disabledInstrumentationsSetting,
    default: true,
    documentedDefault: 'HTTP spans on',
  },
  redactQueryParameters: {
    option: 'redactQueryParameters',
    env: 'AIOTEL_REDACT_QUERY_PARAMETERS',
    parser: nameListSetting(/^[^\s;=&?#]+$/, {
      one: 'a query parameter name',
      many: 'query parameter names',
    }),
    default: [] as readonly string[],
    documentedDefault: '—',
  },
} as const satisfies Record<string, Setting<unknown>>;
