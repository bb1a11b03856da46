import { describe, expect, it } from 'vitest';
import { resolveConfig, sdkDisabledInEnv, silencedInEnv } from '../src/config.js';

describe('resolveConfig', () => {
  it('uses the OTLP/HTTP defaults when nothing is set', () => {
    const { config, warnings } = resolveConfig({}, {});
    expect(warnings).toEqual([]);
    expect(config.tracesUrl).toBe('http://localhost:4318/v1/traces');
    expect(config.metricsUrl).toBe('http://localhost:4318/v1/metrics');
    expect(config.tracesProtocol).toBe('http/protobuf');
    expect(config.metricsProtocol).toBe('http/protobuf');
    expect(config.metricsTemporality).toBe('cumulative');
    expect(config.metricExportIntervalMillis).toBe(60_000);
    expect(config.shutdownTimeoutMillis).toBe(5000);
    expect(config.logLevel).toBe('warn');
    expect(config.captureMessageContent).toBe(false);
    expect(config.disabled).toBe(false);
    expect(config.traces).toBe(true);
    expect(config.metrics).toBe(true);
    expect(config.handleSignals).toBe(true);
    expect(config.httpSpans).toBe(true);
  });

  it('appends the signal path to OTEL_EXPORTER_OTLP_ENDPOINT, with or without a trailing slash', () => {
    expect(
      resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config.tracesUrl,
    ).toBe('http://collector:4318/v1/traces');
    expect(
      resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base' }).config.metricsUrl,
    ).toBe('https://otel.example/base/v1/metrics');
  });

  it('takes signal-specific endpoints as they are', () => {
    const { config } = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
      },
    );
    expect(config.tracesUrl).toBe('http://traces:9999/custom');
    expect(config.metricsUrl).toBe('http://collector:4318/v1/metrics');
  });

  it('lets programmatic options win over environment variables', () => {
    const { config } = resolveConfig(
      {
        endpoint: 'http://code:1234',
        protocol: 'http/json',
        serviceName: 'from-code',
        shutdownTimeoutMillis: 250,
      },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_SERVICE_NAME: 'from-env',
        AIOTEL_SHUTDOWN_TIMEOUT_MS: '9000',
      },
    );
    expect(config.tracesUrl).toBe('http://code:1234/v1/traces');
    expect(config.tracesProtocol).toBe('http/json');
    expect(config.metricsProtocol).toBe('http/json');
    expect(config.serviceName).toBe('from-code');
    expect(config.shutdownTimeoutMillis).toBe(250);
  });

  it('reads every OTEL_* and AIOTEL_* variable it documents', () => {
    const { config, warnings } = resolveConfig(
      {},
      {
        OTEL_SDK_DISABLED: 'TRUE',
        OTEL_SERVICE_NAME: 'svc',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=a%20b',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_LOG_LEVEL: 'DEBUG',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        AIOTEL_PRICES_FILE: '/etc/prices.json',
        AIOTEL_METRIC_ATTRIBUTES: 'app.feature, app.tenant',
        AIOTEL_GENAI_PROVIDER: 'anthropic',
        AIOTEL_GENAI_INJECT_STREAM_USAGE: 'false',
        AIOTEL_GENAI_CONTENT_MAX_LENGTH: '100',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-token=abc,tenant=a%20b',
        AIOTEL_SHUTDOWN_TIMEOUT_MS: '1500',
        AIOTEL_HANDLE_SIGNALS: 'false',
        AIOTEL_REDACT_QUERY_PARAMETERS: 'sessionKey,tenant_secret',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'Undici',
      },
    );
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      disabled: true,
      serviceName: 'svc',
      resourceAttributes: { 'deployment.environment.name': 'prod', team: 'a b' },
      tracesProtocol: 'http/json',
      exportTimeoutMillis: 2500,
      metricsTemporality: 'delta',
      metricExportIntervalMillis: 1000,
      maxQueueSize: 100,
      maxExportBatchSize: 10,
      scheduledDelayMillis: 200,
      logLevel: 'debug',
      traces: false,
      metrics: true,
      captureMessageContent: true,
      pricesFile: '/etc/prices.json',
      metricAttributes: ['app.feature', 'app.tenant'],
      providerName: 'anthropic',
      injectStreamUsage: false,
      contentMaxLength: 100,
      shutdownTimeoutMillis: 1500,
      handleSignals: false,
      httpSpans: false,
      redactQueryParameters: ['sessionKey', 'tenant_secret'],
    });
  });

  it('turns the HTTP attempt spans off by OTEL_NODE_DISABLED_INSTRUMENTATIONS, and says which names it ignores', () => {
    const listed = resolveConfig({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs, undici,dns' });
    expect(listed.config.httpSpans).toBe(false);
    expect(listed.warnings).toEqual([
      'OTEL_NODE_DISABLED_INSTRUMENTATIONS: "fs" is not undici, the one instrumentation of @aiotel/node that can be turned off; skipping it.',
      'OTEL_NODE_DISABLED_INSTRUMENTATIONS: "dns" is not undici, the one instrumentation of @aiotel/node that can be turned off; skipping it.',
    ]);
    const others = resolveConfig({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' });
    expect(others.config.httpSpans).toBe(true);
    expect(others.warnings).toHaveLength(1);
    expect(
      resolveConfig({ httpSpans: true }, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' }).config.httpSpans,
    ).toBe(true);
    expect(resolveConfig({ httpSpans: false }, {}).config.httpSpans).toBe(false);
  });

  it('falls back to http/protobuf with one warning when grpc is asked for', () => {
    const { config, warnings } = resolveConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(config.tracesProtocol).toBe('http/protobuf');
    expect(config.metricsProtocol).toBe('http/protobuf');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^OTEL_EXPORTER_OTLP_PROTOCOL="grpc" .*using http\/protobuf\. grpc is not supported .*4318/,
    );
  });

  it('warns once per invalid value and uses the default', () => {
    const { config, warnings } = resolveConfig(
      {},
      {
        OTEL_METRIC_EXPORT_INTERVAL: 'soon',
        AIOTEL_SHUTDOWN_TIMEOUT_MS: '-5',
        OTEL_SDK_DISABLED: 'yes',
        OTEL_LOG_LEVEL: 'loud',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes',
        OTEL_RESOURCE_ATTRIBUTES: 'good=1,=bad',
      },
    );
    expect(config.metricExportIntervalMillis).toBe(60_000);
    expect(config.shutdownTimeoutMillis).toBe(5000);
    expect(config.disabled).toBe(false);
    expect(config.logLevel).toBe('warn');
    expect(config.tracesUrl).toBe('http://localhost:4318/v1/traces');
    expect(config.metricsTemporality).toBe('cumulative');
    expect(config.resourceAttributes).toEqual({ good: '1' });
    expect(warnings).toHaveLength(7);
    for (const name of [
      'OTEL_METRIC_EXPORT_INTERVAL="soon"',
      'AIOTEL_SHUTDOWN_TIMEOUT_MS="-5"',
      'OTEL_SDK_DISABLED="yes"',
      'OTEL_LOG_LEVEL="loud"',
      'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318"',
      'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="sometimes"',
      'OTEL_RESOURCE_ATTRIBUTES',
    ]) {
      expect(warnings.some((warning) => warning.startsWith(name))).toBe(true);
    }
  });

  it.each([
    [
      'AIOTEL_METRIC_ATTRIBUTES',
      'app.feature; app.tenant',
      'AIOTEL_METRIC_ATTRIBUTES: "app.feature; app.tenant" is not an attribute key (separate them with commas); skipping it.',
    ],
    [
      'OTEL_EXPORTER_OTLP_HEADERS',
      'x-token',
      'OTEL_EXPORTER_OTLP_HEADERS: "x-token" is not key=value (separate pairs with commas); skipping it.',
    ],
    [
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'authorization',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS: "authorization" is not key=value (separate pairs with commas); skipping it.',
    ],
    [
      'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
      'a=1,=2',
      'OTEL_EXPORTER_OTLP_METRICS_HEADERS: "=2" is not key=value (separate pairs with commas); skipping it.',
    ],
    [
      'AIOTEL_REDACT_QUERY_PARAMETERS',
      'sessionKey tenant',
      'AIOTEL_REDACT_QUERY_PARAMETERS: "sessionKey tenant" is not a query parameter name (separate them with commas); skipping it.',
    ],
    [
      'AIOTEL_GENAI_CONTENT_MAX_LENGTH',
      '1e3.5',
      'AIOTEL_GENAI_CONTENT_MAX_LENGTH="1e3.5" is not a positive whole number; using 16384.',
    ],
    [
      'AIOTEL_GENAI_INJECT_STREAM_USAGE',
      'yes',
      'AIOTEL_GENAI_INJECT_STREAM_USAGE="yes" is not true or false; using true.',
    ],
    [
      'OTEL_TRACES_EXPORTER',
      'zipkin',
      'OTEL_TRACES_EXPORTER="zipkin" is not otlp or none (the exporters @aiotel/node has); using otlp.',
    ],
    ['OTEL_SERVICE_NAME', 'checkout', undefined],
  ])('%s=%j: the one warning a malformed value gets', (name, value, warning) => {
    expect(resolveConfig({}, { [name]: value }).warnings).toEqual(warning === undefined ? [] : [warning]);
  });

  it('keeps the well-formed pairs and keys next to a malformed one', () => {
    const { config } = resolveConfig(
      {},
      {
        AIOTEL_METRIC_ATTRIBUTES: 'app.feature; app.tenant, app.region',
        OTEL_RESOURCE_ATTRIBUTES: 'team=a,broken',
      },
    );
    expect(config.metricAttributes).toEqual(['app.region']);
    expect(config.resourceAttributes).toEqual({ team: 'a' });
  });

  it('passes every GenAI setting on resolved, defaults included, so the instrumentation reads no variable itself', () => {
    const { config } = resolveConfig({}, {});
    expect(config).toMatchObject({
      captureMessageContent: false,
      contentMaxLength: 16384,
      injectStreamUsage: true,
      metricAttributes: [],
      providerName: undefined,
    });
  });

  it('turns a signal off with OTEL_*_EXPORTER=none', () => {
    const { config } = resolveConfig({}, { OTEL_METRICS_EXPORTER: 'none' });
    expect(config.metrics).toBe(false);
    expect(config.traces).toBe(true);
  });
});

describe('silencedInEnv', () => {
  it('is true only for OTEL_LOG_LEVEL=none, in any case', () => {
    expect(silencedInEnv({ OTEL_LOG_LEVEL: 'NONE' })).toBe(true);
    expect(silencedInEnv({ OTEL_LOG_LEVEL: 'warn' })).toBe(false);
    expect(silencedInEnv({})).toBe(false);
  });
});

describe('sdkDisabledInEnv', () => {
  it('is true only for OTEL_SDK_DISABLED=true', () => {
    expect(sdkDisabledInEnv({ OTEL_SDK_DISABLED: 'true' })).toBe(true);
    expect(sdkDisabledInEnv({ OTEL_SDK_DISABLED: 'false' })).toBe(false);
    expect(sdkDisabledInEnv({})).toBe(false);
  });
});
