/** Headers the real API sends on every answer (rate limits with plenty left, the API version, the request id). */
export function apiHeaders(
  requestId: string,
  processingMs: number,
  contentType: string,
  promptTokens: number,
): Record<string, string> {
  return {
    'content-type': contentType,
    'access-control-expose-headers': 'X-Request-ID',
    'openai-processing-ms': String(Math.round(processingMs)),
    'openai-version': '2020-10-01',
    'x-content-type-options': 'nosniff',
    'x-envoy-upstream-service-time': String(Math.round(processingMs) + 4),
    'x-ratelimit-limit-requests': '5000',
    'x-ratelimit-limit-tokens': '4000000',
    'x-ratelimit-remaining-requests': '4999',
    'x-ratelimit-remaining-tokens': String(Math.max(0, 4_000_000 - promptTokens)),
    'x-ratelimit-reset-requests': '12ms',
    'x-ratelimit-reset-tokens': '0s',
    'x-request-id': requestId,
  };
}

/** Content type of JSON answers. */
export const JSON_TYPE = 'application/json';
/** Content type of streams, as the real API sends it. */
export const SSE_TYPE = 'text/event-stream; charset=utf-8';
