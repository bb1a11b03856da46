import type { Classification } from './classify.js';

/** An error response as read off the wire, kept so the SDK can build its own error from it. */
export interface ResponseSnapshot {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * Internal: one failed HTTP attempt, thrown through the cockatiel policies so retry and breaker filters can
 * read its classification. Never reaches the caller: at the end it turns back into the provider's response
 * (so the SDK raises its own error class) or into the underlying network error.
 */
export class AttemptFailure extends Error {
  override name = 'AttemptFailure';
  readonly classification: Classification;
  /** The error response, when the provider answered. */
  readonly response: ResponseSnapshot | undefined;
  /** The wait the response asked for (Retry-After), ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    classification: Classification,
    detail: { response?: ResponseSnapshot; retryAfterMs?: number | undefined; cause?: unknown },
  ) {
    super(`attempt failed: ${classification.reason}`, { cause: detail.cause });
    this.classification = classification;
    this.response = detail.response;
    this.retryAfterMs = detail.retryAfterMs;
  }

  /**
   * The provider's response again, for the SDK; or the network error it stands for. The response says
   * `x-should-retry: false`: our loop has decided, and a per-request `maxRetries` must not start a second one.
   */
  toResult(): Response {
    const r = this.response;
    if (!r) throw this.cause;
    const headers = new Headers(r.headers);
    headers.set('x-should-retry', 'false');
    return new Response(r.text, { status: r.status, statusText: r.statusText, headers });
  }
}

/** Whether cockatiel's retry should try again after this error. */
export const isRetryable = (err: unknown): boolean =>
  err instanceof AttemptFailure && err.classification.retryable;

/** Whether the circuit breaker counts this error. */
export const isProviderFault = (err: unknown): boolean =>
  err instanceof AttemptFailure && err.classification.providerFault;
