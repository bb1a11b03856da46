import type { DialectName } from './dialects.js';
import type { Latency } from './latency.js';
import type { RateLimits } from './rate-limits.js';

/**
 * Server-wide fault rates, each the probability (0 to 1) that a request gets that fault. One seeded draw per request
 * picks at most one fault, so a soak run replays the same faults in the same order. Requests carrying an
 * `x-fake-fault` header are not drawn for.
 */
export interface FaultRates {
  /** 429 rate limit with `retry-after` (default 0). */
  readonly rate429?: number;
  /** 500 server error (default 0). */
  readonly rate500?: number;
  /** 503 service unavailable (default 0). */
  readonly rate503?: number;
  /** 529 with Anthropic's overloaded body (default 0). */
  readonly rate529?: number;
  /** Socket destroyed before any response (default 0). */
  readonly resetRate?: number;
  /** Streams only: socket destroyed half-way through the stream (default 0; drawn but ignored for JSON requests). */
  readonly cutRate?: number;
  /** Seed of the fault draws (default 1). */
  readonly seed?: number;
  /** `retry-after` seconds on drawn 429s (default 1). */
  readonly retryAfterSeconds?: number;
}

/** Options of {@link startFakeLlm}. */
export interface FakeLlmOptions {
  /** Port to listen on (default 0: any free port). */
  readonly port?: number;
  /** Host to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * Model latency: `false` for none (benchmarks), or time to first token and per further token in ms
   * (default `{ ttftMs: 300, tokenMs: 20 }`). Per request: header `x-fake-latency: ttft=50; per-token=5`.
   */
  readonly latency?: false | Partial<Latency>;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get OpenAI's 401 (default: no check). */
  readonly apiKey?: string;
  /** Server-wide random faults (default: none). */
  readonly faults?: FaultRates;
  /**
   * Per-model requests and tokens per minute to enforce with 429s (`retry-after`, `retry-after-ms`) and to report in
   * the `x-ratelimit-*` headers (default: none enforced; the headers show 5000 requests / 4,000,000 tokens).
   */
  readonly rateLimits?: RateLimits;
  /** Report `cached_tokens` for prompt prefixes seen before (default true). */
  readonly promptCache?: boolean;
  /** How many requests the log keeps, oldest dropped first (default 10,000). */
  readonly logLimit?: number;
  /**
   * How Chat Completions answers are worded: `openai` (default) or a relay's way (usage chunk shape, SSE framing,
   * model and finish-reason names, reported cost). Per request: header `x-fake-dialect: relay-no-usage`.
   */
  readonly dialect?: DialectName;
}

/** Default latency: what a small hosted model feels like. */
export const DEFAULT_LATENCY: Latency = { ttftMs: 300, tokenMs: 20 };
