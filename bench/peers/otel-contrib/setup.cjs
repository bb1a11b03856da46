'use strict';
// Variant setup for the official @opentelemetry/instrumentation-openai: its own copy of the OTel SDK release our
// rows use (3.1), assembled like bench/src/setups/sdk.ts (batch spans, periodic metrics every 5 s, OTLP/HTTP
// JSON to the sink).
const { context, metrics, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');

exports.setup = async function setup(ctx) {
  const resource = resourceFromAttributes({ 'service.name': ctx.serviceName });
  const exportIntervalMs = ctx.exportIntervalMs ?? 5000;
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${ctx.sinkUrl}/v1/traces` }),
        scheduledDelayMillis: exportIntervalMs,
      }),
    ],
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${ctx.sinkUrl}/v1/metrics` }),
        exportIntervalMillis: exportIntervalMs,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  registerInstrumentations({
    instrumentations: [new OpenAIInstrumentation()],
    tracerProvider,
    meterProvider,
  });
  return {
    flush: async () => {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
};
