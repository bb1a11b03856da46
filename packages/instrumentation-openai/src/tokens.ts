import type { TokenUsage } from '@aiotel/cost';
import type { AttributeSink } from './attribute-sink.js';
import type { MetricAttributeSet } from './metric-attributes.js';
import type { Instruments } from './metrics.js';
import {
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  TOKEN_TYPE_CACHE_CREATION,
  TOKEN_TYPE_CACHE_READ,
  TOKEN_TYPE_REASONING,
} from './semconv.js';

/**
 * Usage span attributes: input and (when the operation has output, i.e. not embeddings) output
 * tokens, and the parts the API reported (cache read/creation, reasoning).
 */
export function usageAttributes(usage: TokenUsage, hasOutput: boolean, into: AttributeSink): void {
  into.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
  if (hasOutput) into.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
  if (usage.cacheReadTokens !== undefined) {
    into.setAttribute(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens);
  }
  if (usage.cacheWriteTokens !== undefined) {
    into.setAttribute(ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheWriteTokens);
  }
  if (usage.reasoningTokens !== undefined) {
    into.setAttribute(ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens);
  }
}

/**
 * Token metrics: `gen_ai.client.token.usage` (input, output) and `aiotel.gen_ai.client.tokens`
 * (input, output, and the non-zero parts cache_read, cache_creation, reasoning).
 */
export function recordTokens(
  instruments: Instruments,
  usage: TokenUsage,
  hasOutput: boolean,
  attributes: MetricAttributeSet,
): void {
  const { tokenUsage, tokens } = instruments;
  tokenUsage.record(usage.inputTokens, attributes.input);
  tokens.add(usage.inputTokens, attributes.input);
  if (hasOutput) {
    tokenUsage.record(usage.outputTokens, attributes.output);
    tokens.add(usage.outputTokens, attributes.output);
  }
  const { cacheReadTokens, cacheWriteTokens, reasoningTokens } = usage;
  if (cacheReadTokens) tokens.add(cacheReadTokens, attributes.tokenType(TOKEN_TYPE_CACHE_READ));
  if (cacheWriteTokens) tokens.add(cacheWriteTokens, attributes.tokenType(TOKEN_TYPE_CACHE_CREATION));
  if (reasoningTokens) tokens.add(reasoningTokens, attributes.tokenType(TOKEN_TYPE_REASONING));
}
