import { fileURLToPath } from 'node:url';
import { runPreloaded } from './preloaded-script.js';

const SCRIPT = fileURLToPath(new URL('./json-spans.mjs', import.meta.url));
/** The service name of this workload's telemetry. */
export const JSON_SPANS_SERVICE = 'aiotel-e2e-json-spans';

/** What `src/json-spans.mjs` sent: each call's user message, the response id and the input tokens the API counted. */
export interface JsonSpansRun {
  sent: { content: string; responseId: string; inputTokens: number }[];
}

/**
 * Runs `src/json-spans.mjs` under the preload, its spans sent to `otlpEndpoint` as OTLP/HTTP JSON with message
 * content captured; resolves with what it sent, rejects if the process fails.
 */
export function runJsonSpans(otlpEndpoint: string): Promise<JsonSpansRun> {
  return runPreloaded<JsonSpansRun>(SCRIPT, {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: JSON_SPANS_SERVICE,
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
  });
}
