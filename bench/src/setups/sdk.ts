import { AggregatingMeterProvider } from '@aiotel/aggregating-meter-provider';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { EXPORT_INTERVAL_MS, type SetupContext, type Telemetry } from '../protocol.ts';

/**
 * The OTel SDK 3.1 assembled by hand, the way a user without our preload would: batch span processor and
 * periodic metric reader, both OTLP/HTTP (JSON, the protocol every peer can use too) to the sink. With `aggregate`
 * (the default, as our instrumentations' READMEs advise), the instrumentations measure through
 * `@aiotel/aggregating-meter-provider` in front of the SDK's MeterProvider; without it, through the SDK's own.
 */
export function startSdk(
  ctx: SetupContext,
  instrumentations: Instrumentation[],
  { aggregate = true }: { aggregate?: boolean } = {},
): Telemetry {
  const resource = resourceFromAttributes({ 'service.name': ctx.serviceName });
  const exportIntervalMs = ctx.exportIntervalMs ?? EXPORT_INTERVAL_MS;
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${ctx.sinkUrl}/v1/traces` }),
        scheduledDelayMillis: exportIntervalMs,
      }),
    ],
  });
  const aggregating = aggregate ? new AggregatingMeterProvider() : undefined;
  const producer = aggregating?.addReader();
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${ctx.sinkUrl}/v1/metrics` }),
    exportIntervalMillis: exportIntervalMs,
    ...(producer ? { metricProducers: [producer] } : {}),
  });
  producer?.useReader(reader);
  const sdkMeterProvider = new MeterProvider({ resource, readers: [reader] });
  aggregating?.useSdk(sdkMeterProvider);
  const meterProvider = aggregating ?? sdkMeterProvider;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  registerInstrumentations({ instrumentations, tracerProvider, meterProvider });
  return {
    flush: async () => {
      await tracerProvider.forceFlush();
      await sdkMeterProvider.forceFlush();
    },
    shutdown: async () => {
      await tracerProvider.shutdown();
      await sdkMeterProvider.shutdown();
    },
  };
}
