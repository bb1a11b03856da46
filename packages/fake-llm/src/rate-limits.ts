/** Per-model limits the fake enforces like OpenAI's organisation limits (token buckets refilled continuously). */
export interface RateLimits {
  /** Requests per minute per model (default: not enforced). */
  readonly requestsPerMinute?: number;
  /** Tokens (prompt + completion) per minute per model (default: not enforced). */
  readonly tokensPerMinute?: number;
}

interface Buckets {
  requests: number;
  tokens: number;
  at: number;
}

/** A request the limits refused: the 429's wording and when to retry. */
export interface Refusal {
  readonly kind: 'requests' | 'tokens';
  readonly limit: number;
  readonly retryAfterMs: number;
  readonly headers: Record<string, string>;
}

/** Format a wait as OpenAI's rate-limit headers do (`12ms`, `1.5s`, `6m0s`). */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}

/** Enforces {@link RateLimits} per model and produces the `x-ratelimit-*` headers that describe them. */
export class RateLimiter {
  private readonly buckets = new Map<string, Buckets>();
  private readonly requestLimit: number;
  private readonly tokenLimit: number;

  constructor(limits: RateLimits) {
    this.requestLimit = limits.requestsPerMinute ?? Number.POSITIVE_INFINITY;
    this.tokenLimit = limits.tokensPerMinute ?? Number.POSITIVE_INFINITY;
  }

  private refill(model: string, now: number): Buckets {
    let buckets = this.buckets.get(model);
    if (!buckets) {
      buckets = { requests: this.requestLimit, tokens: this.tokenLimit, at: now };
      this.buckets.set(model, buckets);
    }
    const minutes = (now - buckets.at) / 60_000;
    buckets.requests = Math.min(this.requestLimit, buckets.requests + minutes * this.requestLimit);
    buckets.tokens = Math.min(this.tokenLimit, buckets.tokens + minutes * this.tokenLimit);
    buckets.at = now;
    return buckets;
  }

  private headers(buckets: Buckets): Record<string, string> {
    const headers: Record<string, string> = {};
    if (Number.isFinite(this.requestLimit)) {
      headers['x-ratelimit-limit-requests'] = String(this.requestLimit);
      headers['x-ratelimit-remaining-requests'] = String(Math.max(0, Math.floor(buckets.requests)));
      headers['x-ratelimit-reset-requests'] = formatReset(
        ((this.requestLimit - Math.max(0, buckets.requests)) / this.requestLimit) * 60_000,
      );
    }
    if (Number.isFinite(this.tokenLimit)) {
      headers['x-ratelimit-limit-tokens'] = String(this.tokenLimit);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(buckets.tokens)));
      headers['x-ratelimit-reset-tokens'] = formatReset(
        ((this.tokenLimit - Math.max(0, buckets.tokens)) / this.tokenLimit) * 60_000,
      );
    }
    return headers;
  }

  /** Take one request from the model's budget, or refuse it when the budget is spent. */
  admit(model: string, now = Date.now()): Refusal | undefined {
    const buckets = this.refill(model, now);
    if (buckets.requests < 1) {
      const retryAfterMs = Math.ceil(((1 - buckets.requests) / this.requestLimit) * 60_000);
      return { kind: 'requests', limit: this.requestLimit, retryAfterMs, headers: this.headers(buckets) };
    }
    if (buckets.tokens <= 0) {
      const retryAfterMs = Math.ceil(((1 - buckets.tokens) / this.tokenLimit) * 60_000);
      return { kind: 'tokens', limit: this.tokenLimit, retryAfterMs, headers: this.headers(buckets) };
    }
    buckets.requests -= 1;
    return undefined;
  }

  /** Charge the tokens an answer used and return the headers describing what is left. */
  charge(model: string, tokens: number, now = Date.now()): Record<string, string> {
    const buckets = this.refill(model, now);
    buckets.tokens -= tokens;
    return this.headers(buckets);
  }

  /** Refill every budget. */
  clear(): void {
    this.buckets.clear();
  }
}
