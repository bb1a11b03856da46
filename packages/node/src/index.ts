export { REDACTED, REDACTED_QUERY_PARAMETERS } from '@aiotel/genai-core';
export type { LogLevel, MetricsTemporality, OtlpProtocol, TelemetryOptions } from './config.js';
export { shutdownTelemetry, startTelemetry, type Telemetry } from './start.js';
