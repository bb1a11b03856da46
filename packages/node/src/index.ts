export type { LogLevel, MetricsTemporality, OtlpProtocol, TelemetryOptions } from './config.js';
export { REDACTED, REDACTED_QUERY_PARAMETERS } from '@aiotel/genai-core';
export { shutdownTelemetry, startTelemetry, type Telemetry } from './start.js';
