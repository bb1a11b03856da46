import { sleep } from '../abort.js';
import type { CallAttributes } from '../call.js';
import type { PolicyEvents } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import type { ResilienceStore } from '../store/store.js';

const MINUTE = 60_000;
const REQUESTS = 'rate:requests';
const TOKENS = 'rate:tokens';
/** Longest single sleep while waiting for capacity, so capacity freed by corrections is seen soon. */
const MAX_SLEEP_MS = 1_000;

/** What a request is expected to use, before its response says. */
export interface TokenEstimate {
  /** Prompt (request body size / 4) plus the completion tokens asked for at most. */
  readonly tokens: number;
}

/**
 * Requests and tokens per minute (sliding window in the store: with a shared store, one limit for every process).
 * Over the limit a call waits for capacity instead of failing. Tokens are taken as estimated before the call and
 * corrected with the usage the response reports.
 */
export class RateLimit {
  constructor(
    private readonly options: NonNullable<ResolvedOptions['rateLimit']>,
    private readonly store: ResilienceStore,
    private readonly events: PolicyEvents,
    private readonly shared: boolean,
  ) {}

  /** Whether tokens are limited (then usage corrects the estimates). */
  get countsTokens(): boolean {
    return this.options.tokensPerMinute !== undefined;
  }

  /** Waits until the call fits both limits, then takes its share. */
  async take(call: CallAttributes, estimate: TokenEstimate, signal: AbortSignal): Promise<void> {
    const { requestsPerMinute, tokensPerMinute } = this.options;
    if (requestsPerMinute !== undefined) {
      await this.wait(call, 'requests', REQUESTS, 1, this.scaled(requestsPerMinute), signal);
    }
    if (tokensPerMinute !== undefined) {
      await this.wait(call, 'tokens', TOKENS, estimate.tokens, this.scaled(tokensPerMinute), signal);
    }
  }

  /** A per-minute limit scaled to the window. */
  private scaled(perMinute: number): number {
    return Math.max(1, Math.floor((perMinute * this.options.windowMs) / MINUTE));
  }

  /** Replaces the estimate by the tokens the response reported (a negative correction frees capacity). */
  correct(estimate: TokenEstimate, usedTokens: number): void {
    if (this.options.tokensPerMinute === undefined) return;
    const delta = usedTokens - estimate.tokens;
    if (delta !== 0)
      this.store.windowAdd(TOKENS, delta, this.options.windowMs, Date.now()).catch(() => undefined);
  }

  private async wait(
    call: CallAttributes,
    kind: 'requests' | 'tokens',
    name: string,
    amount: number,
    limit: number,
    signal: AbortSignal,
  ): Promise<void> {
    const start = Date.now();
    let waited = false;
    for (;;) {
      const waitMs = await this.store.windowTake(name, amount, limit, this.options.windowMs, Date.now());
      if (waitMs === 0) break;
      waited = true;
      await sleep(Math.min(waitMs, MAX_SLEEP_MS), signal);
    }
    if (waited) this.events.emit('rateLimitWait', call, kind, Date.now() - start, this.shared);
  }
}

/** Estimates the tokens of a request: its body's size / 4 plus the completion tokens it asks for at most. */
export function estimateTokens(body: unknown, params: Record<string, unknown> | undefined): TokenEstimate {
  const size = typeof body === 'string' ? body.length : 0;
  const max = params?.max_completion_tokens ?? params?.max_tokens ?? params?.max_output_tokens;
  return { tokens: Math.ceil(size / 4) + (typeof max === 'number' && max > 0 ? max : 0) };
}
