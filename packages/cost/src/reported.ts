/** Response headers in which a relay reports a call's cost in USD (LiteLLM's proxy). */
export const COST_HEADERS: readonly string[] = ['x-litellm-response-cost'];

const DECIMAL = /^\s*(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function amount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The cost in USD a provider or relay reported for one call, or `undefined` when it reported none: `usage.cost`
 * (OpenRouter, LiteLLM, other relays) wins over the value of a cost response header ({@link COST_HEADERS}),
 * because it comes with the token counts it prices, while a header is written before the body is. A value that is
 * not a finite, non-negative number (or a header that is not one in decimal notation) counts as none. Never
 * throws. The markup (`AIOTEL_PRICE_MARKUP`) does not apply: a reported cost is what the relay bills.
 */
export function reportedCost(usage: unknown, costHeader?: string | null): number | undefined {
  try {
    const fromUsage =
      typeof usage === 'object' && usage !== null ? (usage as { cost?: unknown }).cost : undefined;
    const reported = amount(fromUsage);
    if (reported !== undefined) return reported;
  } catch {
    // A throwing getter on an exotic usage object: look at the header instead.
  }
  if (typeof costHeader !== 'string' || !DECIMAL.test(costHeader)) return undefined;
  return amount(Number(costHeader));
}
