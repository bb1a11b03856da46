import type { Redactor } from '@aiotel/genai-core';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ERROR_TYPE_OTHER } from './semconv.js';

// Class names are bounded (they come from code, not data), so they are safe as `error.type`;
// anything else collapses to `_OTHER`.
const KNOWN_ERROR_CLASSES = new Set([
  'APIError',
  'APIConnectionError',
  'APIConnectionTimeoutError',
  'APIUserAbortError',
  'OpenAIError',
  'SyntaxError',
  'LengthFinishReasonError',
  'ContentFilterFinishReasonError',
  // @aiotel/resilience (its refusals reach a resilient client's caller as themselves) and cockatiel.
  'CircuitOpenError',
  'BulkheadRejectedError',
  'BudgetExceededError',
  'RetryAfterTooLongError',
  'StoreUnavailableError',
  'StreamInterruptedError',
  'StreamTruncatedError',
  'BrokenCircuitError',
  'IsolatedCircuitError',
  'TaskCancelledError',
]);
const PROVIDER_ERROR_TYPE = /^[a-z][a-z0-9_]{2,63}$/;

/** A provider's error code (`server_error`, `rate_limit_exceeded`) when it is safe as `error.type`: short snake case. */
export function providerErrorType(code: unknown): string | undefined {
  return typeof code === 'string' && PROVIDER_ERROR_TYPE.test(code) ? code : undefined;
}

/**
 * Low-cardinality `error.type` of a failed call: the HTTP status as a string (`429`) for API errors
 * with a status; for a status-less API error (an error event inside a stream) the provider's error
 * type (`server_error`; from `code` for a Responses `error` event, whose `type` is `error`); for our own and the SDK's errors the class name (`APIConnectionError`, or the
 * resilience error that caused it, e.g. `CircuitOpenError`); a connection lost mid-stream is also
 * `APIConnectionError`; `_OTHER` otherwise.
 */
export function errorType(err: unknown): string {
  if (typeof err !== 'object' || err === null) return ERROR_TYPE_OTHER;
  const { status, type, code, cause } = err as {
    status?: unknown;
    type?: unknown;
    code?: unknown;
    cause?: unknown;
  };
  if (typeof status === 'number' && status >= 100 && status < 600) return String(status);
  const name = className(err);
  if (name === 'APIError') {
    // A Responses `error` event has `type: "error"` (the event's own type) and the provider's
    // error in `code`; a Chat error chunk has it in `type`.
    const provider = providerErrorType(type === 'error' ? code : type);
    if (provider !== undefined) return provider;
  }
  if (name === 'APIConnectionError' && cause !== undefined) {
    const causeName = className(cause);
    if (causeName !== undefined && causeName !== 'Error' && KNOWN_ERROR_CLASSES.has(causeName)) {
      return causeName;
    }
  }
  if (name === 'TypeError' && isConnectionLoss(cause)) return 'APIConnectionError';
  return name !== undefined && KNOWN_ERROR_CLASSES.has(name) ? name : ERROR_TYPE_OTHER;
}

// A connection lost while a body streams surfaces as undici's `TypeError: terminated` (not wrapped
// by the SDK); report it like a connection lost before the response.
function isConnectionLoss(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  const { code, name } = cause as { code?: unknown; name?: unknown };
  return (
    name === 'SocketError' ||
    (typeof code === 'string' && (code.startsWith('UND_ERR_') || NETWORK_CODES.has(code)))
  );
}
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND']);

function className(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ctorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctorName === 'string' && ctorName !== 'Error' && ctorName !== 'Object') return ctorName;
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Marks the span failed and records the exception with secrets removed by the shared rule set: the client's API key
 * (remembered by the redactor from then on), key-shaped strings, tokens, key-like query parameters.
 */
export function recordFailure(
  span: Span,
  err: unknown,
  type: string,
  redactor: Redactor,
  apiKey: string | undefined,
): void {
  if (apiKey !== undefined) redactor.addSecret(apiKey);
  const isError = typeof err === 'object' && err !== null;
  const name = (isError && className(err)) || 'Error';
  const message = redactor.redactString(
    isError ? String((err as { message?: unknown }).message ?? '') : String(err),
  );
  const stack = isError ? (err as { stack?: unknown }).stack : undefined;
  span.recordException({
    name,
    message,
    ...(typeof stack === 'string' ? { stack: redactor.redactString(stack) } : {}),
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message: message || type });
}
