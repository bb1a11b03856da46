/**
 * The environment of every measured process: the standard OTel variables pointing at the sink, the same
 * for all variants (a setup that builds its SDK by hand uses the same values).
 */
export function telemetryEnv(
  serviceName: string,
  sinkUrl: string,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // An inherited preload would land in every variant, floors included.
  delete env.NODE_OPTIONS;
  return {
    ...env,
    ...extra,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    // The preload's default encoding (http/protobuf), as its users get it. The hand-assembled SDKs of the
    // instrumentation-only variants and the peers use the JSON exporters, the one encoding all of them have.
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_METRIC_EXPORT_INTERVAL: '5000',
    // OpenLIT's own name for the same setting.
    OTEL_EXPORTER_OTLP_METRICS_EXPORT_INTERVAL: '5000',
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
  };
}
