import { sleep } from '../abort.js';
import type { CallAttributes } from '../call.js';
import type { PolicyEvents } from '../events.js';
import type { ResilienceStore } from '../store/store.js';

/**
 * The provider's own rate-limit window, as its response headers describe it: when a response says the requests or
 * tokens left are 0 (`x-ratelimit-remaining-*`, OpenAI and most relays; `anthropic-ratelimit-*-remaining`), or a
 * 429 asks to wait (`retry-after`), new calls to that server and model are held until the reset, in every process
 * sharing the store, instead of each collecting its own 429s.
 */
export class ProviderWindow {
  constructor(
    private readonly store: ResilienceStore,
    private readonly events: PolicyEvents,
    /** Longest hold a header can set, ms (a wrong header must not stop calls for hours). */
    private readonly maxHoldMs: number,
    /** How long "not held" read from a shared store is trusted, ms (0: read on every call). */
    private readonly cacheMs: number,
  ) {}

  /** Per call key: until when a read that found no hold stands for the store's state. */
  private readonly clearUntil = new Map<string, number>();

  /** Whether a recent read found the call's server and model not held: then there is nothing to wait for. */
  isClear(call: CallAttributes): boolean {
    return this.cacheMs > 0 && Date.now() < (this.clearUntil.get(call.key) ?? 0);
  }

  /** Waits while the call's server and model are held. */
  async wait(call: CallAttributes, signal: AbortSignal): Promise<void> {
    if (this.isClear(call)) return;
    const name = `window:${call.key}`;
    const start = Date.now();
    let held = false;
    let until = await this.store.heldUntil(name, start);
    if (this.cacheMs > 0 && until === 0) this.remember(call.key, start + this.cacheMs);
    for (; until > Date.now(); ) {
      held = true;
      await sleep(until - Date.now(), signal);
      until = await this.store.heldUntil(name, Date.now());
    }
    if (held) this.events.emit('providerWindowHold', call, Date.now() - start);
  }

  /** Reads a response's headers; holds new calls when they say the window is spent. */
  observe(call: CallAttributes, headers: Headers, retryAfterMs: number | undefined): void {
    const now = Date.now();
    const spent = spentWindow(headers, now);
    let until = spent?.until ?? 0;
    if (retryAfterMs !== undefined) until = Math.max(until, now + retryAfterMs);
    if (until <= now) return;
    until = Math.min(until, now + this.maxHoldMs);
    this.events.emit('providerWindowSpent', call, spent?.kind ?? 'requests', until);
    this.clearUntil.delete(call.key);
    this.store.holdUntil(`window:${call.key}`, until).catch(() => undefined);
  }

  private remember(key: string, until: number): void {
    // Keys are server and model: few; bounded all the same.
    if (this.clearUntil.size >= 1_000) this.clearUntil.clear();
    this.clearUntil.set(key, until);
  }
}

/** The headers read per kind of window, spelled out once: a name built per call costs Headers.get() a flattening. */
const WINDOW_HEADERS = [
  {
    kind: 'requests',
    remaining: 'x-ratelimit-remaining-requests',
    reset: 'x-ratelimit-reset-requests',
    anthropicRemaining: 'anthropic-ratelimit-requests-remaining',
    anthropicReset: 'anthropic-ratelimit-requests-reset',
  },
  {
    kind: 'tokens',
    remaining: 'x-ratelimit-remaining-tokens',
    reset: 'x-ratelimit-reset-tokens',
    anthropicRemaining: 'anthropic-ratelimit-tokens-remaining',
    anthropicReset: 'anthropic-ratelimit-tokens-reset',
  },
] as const;

/** A spent window in the headers: which kind, and until when (epoch ms). */
export function spentWindow(
  headers: Headers,
  now: number,
): { kind: 'requests' | 'tokens'; until: number } | undefined {
  for (const names of WINDOW_HEADERS) {
    if (headers.get(names.remaining)?.trim() === '0') {
      const reset = parseDuration(headers.get(names.reset));
      if (reset !== undefined) return { kind: names.kind, until: now + reset };
    }
    if (headers.get(names.anthropicRemaining)?.trim() === '0') {
      const reset = Date.parse(headers.get(names.anthropicReset) ?? '');
      if (!Number.isNaN(reset)) return { kind: names.kind, until: reset };
    }
  }
  return undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** Reads OpenAI's reset durations: `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. `undefined` when unreadable. */
export function parseDuration(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed !== text.length) {
    // A bare number: seconds, as some relays send.
    const seconds = Number(text);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  }
  return total;
}
