export type { LogLevel, MetricsTemporality, OtlpProtocol, TelemetryOptions } from './config.js';
export type { SignalExporter } from './exporter-selection.js';
export { REDACTED, REDACTED_QUERY_PARAMETERS } from './redact.js';
export { shutdownTelemetry, startTelemetry, type Telemetry } from './start.js';
