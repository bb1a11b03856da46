import type { TokenUsage } from './types.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Normalises the `usage` object of an OpenAI-compatible response into a `TokenUsage`; total: never throws,
 * returns `undefined` when the input/output counts are not there.
 *
 * Accepted shapes:
 * - Chat Completions: `prompt_tokens`, `completion_tokens`, `prompt_tokens_details.cached_tokens`,
 *   `completion_tokens_details.reasoning_tokens`; cache hits as DeepSeek reports them (`prompt_cache_hit_tokens`);
 *   cache writes as Anthropic-style relays report them (`cache_creation_input_tokens`).
 * - Embeddings: `prompt_tokens` and `total_tokens` (output is 0).
 * - Responses: `input_tokens`, `output_tokens`, `input_tokens_details.cached_tokens`,
 *   `output_tokens_details.reasoning_tokens`.
 * - Anthropic Messages (`input_tokens` without `input_tokens_details`, plus `cache_read_input_tokens` /
 *   `cache_creation_input_tokens`): there `input_tokens` excludes the cache, so the parts are added to it.
 *
 * When a relay reports cached tokens larger than the input total (or reasoning larger than the output total),
 * the total evidently excludes that part, and the part is added to it, so the result always satisfies
 * cache read + cache write <= input and reasoning <= output.
 */
export function usageFromOpenAI(usage: unknown): TokenUsage | undefined {
  try {
    return readUsage(usage);
  } catch {
    // Exotic objects (throwing getters, proxies): no usage rather than an exception in the caller's path.
    return undefined;
  }
}

function readUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as Record<string, unknown>;

  let input: number | undefined;
  let output: number | undefined;
  let cacheRead: number | undefined;
  const cacheWrite = count(u.cache_creation_input_tokens);
  let reasoning: number | undefined;

  const prompt = count(u.prompt_tokens);
  if (prompt !== undefined) {
    input = prompt;
    output = count(u.completion_tokens);
    if (output === undefined && u.completion_tokens === undefined) {
      // Embeddings: no completion, total == prompt.
      const total = count(u.total_tokens);
      if (total !== undefined) output = Math.max(0, total - prompt);
    }
    cacheRead =
      count(field(u.prompt_tokens_details, 'cached_tokens')) ??
      count(u.prompt_cache_hit_tokens) ??
      count(u.cache_read_input_tokens);
    reasoning = count(field(u.completion_tokens_details, 'reasoning_tokens'));
  } else {
    input = count(u.input_tokens);
    output = count(u.output_tokens);
    if (input === undefined) return undefined;
    const details = u.input_tokens_details;
    if (typeof details === 'object' && details !== null) {
      cacheRead = count(field(details, 'cached_tokens'));
    } else {
      cacheRead = count(u.cache_read_input_tokens);
      if (cacheRead !== undefined || cacheWrite !== undefined) input += (cacheRead ?? 0) + (cacheWrite ?? 0);
    }
    reasoning = count(field(u.output_tokens_details, 'reasoning_tokens'));
  }
  if (input === undefined || output === undefined) return undefined;

  const cached = (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (cached > input) input += cached;
  if (reasoning !== undefined && reasoning > output) output += reasoning;

  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
  };
}
