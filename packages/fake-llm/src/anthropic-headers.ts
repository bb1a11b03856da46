import { formatReset } from './rate-limits.js';

/** Headers the Messages API sends on every answer: the request id and the `anthropic-ratelimit-*` windows. */
export function anthropicHeaders(
  requestId: string,
  _processingMs: number,
  contentType: string,
  promptTokens: number,
): Record<string, string> {
  const reset = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z');
  return {
    'content-type': contentType,
    'cache-control': 'no-cache',
    'request-id': requestId,
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '400000',
    'anthropic-ratelimit-input-tokens-remaining': String(Math.max(0, 400_000 - promptTokens)),
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '80000',
    'anthropic-ratelimit-output-tokens-remaining': '80000',
    'anthropic-ratelimit-output-tokens-reset': reset,
    'anthropic-ratelimit-tokens-limit': '480000',
    'anthropic-ratelimit-tokens-remaining': String(Math.max(0, 480_000 - promptTokens)),
    'anthropic-ratelimit-tokens-reset': reset,
  };
}

/** Milliseconds of a reset written by {@link formatReset} (`12ms`, `1.5s`, `6m0s`). */
function resetMs(text: string): number {
  const match = /^(?:(\d+)m)?(?:([\d.]+)s)?$|^([\d.]+)ms$/.exec(text);
  if (!match) return 0;
  if (match[3] !== undefined) return Number(match[3]);
  return Number(match[1] ?? 0) * 60_000 + Number(match[2] ?? 0) * 1000;
}

/**
 * Enforced limits in Anthropic's words: `x-ratelimit-remaining-requests: 0` with reset `1.5s` becomes
 * `anthropic-ratelimit-requests-remaining: 0` with an RFC 3339 reset time.
 */
export function anthropicLimitHeaders(
  openaiStyle: Readonly<Record<string, string>>,
  now = Date.now(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const limit = openaiStyle[`x-ratelimit-limit-${kind}`];
    if (limit === undefined) continue;
    out[`anthropic-ratelimit-${kind}-limit`] = limit;
    out[`anthropic-ratelimit-${kind}-remaining`] = openaiStyle[`x-ratelimit-remaining-${kind}`] ?? '0';
    const wait = resetMs(openaiStyle[`x-ratelimit-reset-${kind}`] ?? '0s');
    out[`anthropic-ratelimit-${kind}-reset`] = new Date(now + wait).toISOString();
  }
  return out;
}
