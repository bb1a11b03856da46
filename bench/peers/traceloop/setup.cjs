'use strict';
// Variant setup for OpenLLMetry's @traceloop/instrumentation-openai: its own OTel SDK 2.6 (it needs
// @opentelemetry/instrumentation 0.203, API < 1.10), assembled like bench/src/setups/sdk.ts (batch spans,
// periodic metrics every 5 s, OTLP/HTTP JSON to the sink).
const { context, metrics, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');

/** The SDK with `instrumentation` registered on it; shared by the OpenAI and Anthropic setups. */
function startWith(ctx, instrumentation) {
  const resource = resourceFromAttributes({ 'service.name': ctx.serviceName });
  const exportIntervalMs = ctx.exportIntervalMs ?? 5000;
  const tracerProvider = new BasicTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${ctx.sinkUrl}/v1/traces` }), {
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
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();
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
}

exports.startWith = startWith;
exports.setup = async (ctx) => startWith(ctx, new OpenAIInstrumentation());
