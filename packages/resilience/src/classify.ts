/**
 * What a failed attempt means for the policies. `reason` is the bounded label used in telemetry: the status
 * code (`429`, `529`, `500`, …), `connection_error` or `timeout`.
 */
export interface Classification {
  /** Worth another attempt. */
  readonly retryable: boolean;
  /** A fault of the provider (5xx, 529, connection, timeout): counts for the circuit breaker. */
  readonly providerFault: boolean;
  /** Rate limited or overloaded: when retries are exhausted, a fallback model is tried. */
  readonly overloaded: boolean;
  /** Telemetry label. */
  readonly reason: string;
}

/** Statuses that mean "this request is wrong": retrying cannot help. */
const CLIENT_ERRORS = new Set([400, 401, 403, 404, 422]);

/** Error codes/types of a 429 that mean the account is out of quota or over a spend limit. */
const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
  'spend_limit_exceeded',
  'credit_balance_too_low',
]);
const QUOTA_MESSAGE =
  /exceeded your current quota|spend(ing)? limit|billing|credit balance|insufficient (quota|credits|balance)/i;

interface ErrorBody {
  readonly code?: unknown;
  readonly type?: unknown;
  readonly message?: unknown;
}

/** The `error` object of an OpenAI-style (or Anthropic-style) error body, if the text is one. */
export function errorBody(text: string): ErrorBody | undefined {
  if (text[0] !== '{') return undefined;
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && 'error' in json) {
      const error = (json as { error: unknown }).error;
      if (error && typeof error === 'object') return error as ErrorBody;
      if (typeof error === 'string') return { message: error };
    }
  } catch {
    // Not JSON: an HTML page from a proxy, plain text. Classified by status alone.
  }
  return undefined;
}

/** A 429 that will not clear by waiting: quota exhausted or a spend limit hit. */
export function isQuotaExhausted(body: ErrorBody | undefined): boolean {
  if (!body) return false;
  if (typeof body.code === 'string' && QUOTA_CODES.has(body.code)) return true;
  if (typeof body.type === 'string' && QUOTA_CODES.has(body.type)) return true;
  return typeof body.message === 'string' && QUOTA_MESSAGE.test(body.message);
}

/** Classifies an HTTP error response. `x-should-retry` from the provider overrides the status. */
export function classifyResponse(
  status: number,
  headers: Headers,
  body: ErrorBody | undefined,
  countRateLimits: boolean,
): Classification {
  const reason = String(status);
  const providerFault = status >= 500 || (status === 429 && countRateLimits) || status === 408;
  const overloaded = status === 429 || status === 503 || status === 529;
  const quota = status === 429 && isQuotaExhausted(body);
  let retryable: boolean;
  const shouldRetry = headers.get('x-should-retry');
  if (shouldRetry === 'true') retryable = true;
  else if (shouldRetry === 'false') retryable = false;
  else if (CLIENT_ERRORS.has(status) || quota) retryable = false;
  else retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return { retryable, providerFault: providerFault && !quota, overloaded: overloaded && !quota, reason };
}

/** A network failure (reset, refused, DNS, body cut before it was handed over): retried, a provider fault. */
export const CONNECTION_ERROR: Classification = {
  retryable: true,
  providerFault: true,
  overloaded: false,
  reason: 'connection_error',
};

/** An attempt timed out: retried, a provider fault. */
export const ATTEMPT_TIMEOUT: Classification = {
  retryable: true,
  providerFault: true,
  overloaded: false,
  reason: 'timeout',
};
