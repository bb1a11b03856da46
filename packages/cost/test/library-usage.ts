import type { TokenUsage } from '../src/index.js';

/** The same usage in the shape `calcPrice` of genai-prices takes (cache parts inside input, reasoning inside output). */
export function libraryUsage(u: TokenUsage) {
  return {
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_read_tokens: u.cacheReadTokens,
    cache_write_tokens: u.cacheWriteTokens,
    output_reasoning_tokens: u.reasoningTokens,
  };
}
