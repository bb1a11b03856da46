// @ts-check
/**
 * The demo's preload (`node --import ./src/telemetry.mjs src/demo.mjs`): checks whether a collector listens, puts
 * the OTLP tee in front of it, then loads the aiotel preload `@aiotel/node/register` unchanged, configured only
 * through its environment variables. The demo reads the exported telemetry from `telemetry` below.
 */
import { CallRecorder } from './call-recorder.mjs';
import { MetricTotals } from './metric-totals.mjs';
import { DEFAULT_OTLP_ENDPOINT, isListening } from './otlp-probe.mjs';
import { startOtlpTee } from './otlp-tee.mjs';

const env = process.env;
const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '');
const upstream = {
  traces: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${base}/v1/traces`,
  metrics: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() || `${base}/v1/metrics`,
};
const exporting = await isListening(upstream.traces);
const recorder = new CallRecorder();
const metricTotals = new MetricTotals();
const tee = await startOtlpTee({
  upstream: exporting ? upstream : undefined,
  onTraces: (payload) => recorder.addOtlpTraces(payload),
  onMetrics: (payload) => metricTotals.addOtlpMetrics(payload),
});

// The preload sends JSON to the tee; the tee forwards it to the collector, which reads OTLP JSON as well.
env.OTEL_EXPORTER_OTLP_ENDPOINT = tee.url;
env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
for (const name of [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
]) {
  delete env[name];
}
env.OTEL_SERVICE_NAME ||= 'aiotel-demo';
// Cost by feature and tenant on the dashboards: these business attributes may reach the metrics.
env.AIOTEL_METRIC_ATTRIBUTES ||= 'app.feature,app.tenant';
// Dashboards fill while the demo runs, not only at its end.
env.OTEL_METRIC_EXPORT_INTERVAL ||= '5000';
env.OTEL_BSP_SCHEDULE_DELAY ||= '1000';

await import('@aiotel/node/register');
const { shutdownTelemetry } = await import('@aiotel/node');

/**
 * What the demo knows about its telemetry.
 */
export const telemetry = Object.freeze({
  /** The collector's OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`, default http://localhost:4318). */
  endpoint: base,
  /** Whether a collector listened at start, so telemetry is forwarded to it. */
  exporting,
  /** `service.name` of the demo's telemetry. */
  serviceName: env.OTEL_SERVICE_NAME,
  /** The GenAI spans exported so far. */
  recorder,
  /** The metrics exported so far. */
  metrics: metricTotals,
  /** Flushes and stops the preload's telemetry (so everything is exported and forwarded), then the tee. */
  async finish() {
    await shutdownTelemetry();
    await tee.close();
  },
});
