/** How long the fake model takes: time to the first token, then time per further token. */
export interface Latency {
  /** Milliseconds before the first token (or, for JSON answers, before generation starts). */
  readonly ttftMs: number;
  /** Milliseconds per further token. */
  readonly tokenMs: number;
}

/** No waiting at all: for benchmarks. */
export const NO_LATENCY: Latency = { ttftMs: 0, tokenMs: 0 };

/**
 * Parse the `x-fake-latency` header: `ttft=50; per-token=5` (either part may be left out, keeping the server's value),
 * or `off` / `none` / `0` for no latency. Returns undefined for a header it cannot read.
 */
export function parseLatency(header: string, base: Latency): Latency | undefined {
  const text = header.trim().toLowerCase();
  if (text === 'off' || text === 'none' || text === '0' || text === 'false') return NO_LATENCY;
  let { ttftMs, tokenMs } = base;
  for (const rawPart of text.split(';')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const [key, value] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n) || n < 0) return undefined;
    if (key === 'ttft' || key === 'ttft-ms') ttftMs = n;
    else if (key === 'per-token' || key === 'token' || key === 'token-ms' || key === 'per-token-ms')
      tokenMs = n;
    else return undefined;
  }
  return { ttftMs, tokenMs };
}
