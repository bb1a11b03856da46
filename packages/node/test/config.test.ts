import { describe, expect, it } from 'vitest';
import { resolveConfig, sdkDisabledInEnv } from '../src/config.js';

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
    expect(config.traces).toEqual(['otlp']);
    expect(config.metrics).toEqual(['otlp']);
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
      traces: [],
      metrics: ['otlp'],
      captureMessageContent: true,
      pricesFile: '/etc/prices.json',
      metricAttributes: ['app.feature', 'app.tenant'],
      genAiProvider: 'anthropic',
      injectStreamUsage: false,
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
      expect.stringMatching(/^OTEL_NODE_DISABLED_INSTRUMENTATIONS: fs, dns ignored; .*undici/),
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
    expect(warnings[0]).toMatch(/grpc is not supported.*http\/protobuf/);
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

  it('turns a signal off with OTEL_*_EXPORTER=none', () => {
    const { config } = resolveConfig({}, { OTEL_METRICS_EXPORTER: 'none' });
    expect(config.metrics).toEqual([]);
    expect(config.traces).toEqual(['otlp']);
  });
});

describe('sdkDisabledInEnv', () => {
  it('is true only for OTEL_SDK_DISABLED=true', () => {
    expect(sdkDisabledInEnv({ OTEL_SDK_DISABLED: 'true' })).toBe(true);
    expect(sdkDisabledInEnv({ OTEL_SDK_DISABLED: 'false' })).toBe(false);
    expect(sdkDisabledInEnv({})).toBe(false);
  });
});
