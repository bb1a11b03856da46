import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageFromOpenAI } from '../src/index.js';

// Copied into the package so the tests run wherever the repository is checked out.
const RECORDINGS = new URL('./fixtures/openai-recordings/', import.meta.url);

function recorded(file: string): unknown {
  const exchanges = JSON.parse(readFileSync(new URL(file, RECORDINGS), 'utf8')) as {
    response: { usage: unknown };
  }[];
  return exchanges[0]?.response.usage;
}

describe('usageFromOpenAI', () => {
  it('reads a recorded Chat Completions usage', () => {
    expect(usageFromOpenAI(recorded('openai-chat-completions-adds-genai-conventions.json'))).toEqual({
      inputTokens: 22,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: undefined,
      reasoningTokens: 0,
    });
  });

  it('reads a recorded Responses usage', () => {
    expect(usageFromOpenAI(recorded('openai-responses-adds-genai-conventions.json'))).toEqual({
      inputTokens: 22,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: undefined,
      reasoningTokens: 0,
    });
  });

  it('reads a recorded embeddings usage as input only', () => {
    expect(usageFromOpenAI(recorded('openai-embeddings-adds-genai-conventions.json'))).toMatchObject({
      inputTokens: 8,
      outputTokens: 0,
    });
  });

  it('keeps cached and reasoning tokens as parts of the totals (chat)', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 1000,
        completion_tokens: 500,
        prompt_tokens_details: { cached_tokens: 600 },
        completion_tokens_details: { reasoning_tokens: 200 },
      }),
    ).toEqual({
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 600,
      cacheWriteTokens: undefined,
      reasoningTokens: 200,
    });
  });

  it('keeps cached and reasoning tokens as parts of the totals (Responses)', () => {
    expect(
      usageFromOpenAI({
        input_tokens: 1000,
        output_tokens: 500,
        input_tokens_details: { cached_tokens: 600 },
        output_tokens_details: { reasoning_tokens: 200 },
      }),
    ).toEqual({
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 600,
      cacheWriteTokens: undefined,
      reasoningTokens: 200,
    });
  });

  it('accepts cache writes reported by an Anthropic-style relay on a chat usage', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 3000,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 1000 },
        cache_creation_input_tokens: 1500,
      }),
    ).toMatchObject({ inputTokens: 3000, cacheReadTokens: 1000, cacheWriteTokens: 1500 });
  });

  it('adds the cache to input_tokens for Anthropic Messages usage, where input_tokens excludes it', () => {
    expect(
      usageFromOpenAI({
        input_tokens: 50,
        output_tokens: 10,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 200,
      }),
    ).toMatchObject({ inputTokens: 1250, outputTokens: 10, cacheReadTokens: 1000, cacheWriteTokens: 200 });
  });

  it('reads DeepSeek cache hits as cached input', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 100,
        completion_tokens: 5,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
      }),
    ).toMatchObject({ inputTokens: 100, cacheReadTokens: 64 });
  });

  it('treats a total smaller than its parts as excluding them', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 10,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 90 },
        completion_tokens_details: { reasoning_tokens: 20 },
      }),
    ).toMatchObject({ inputTokens: 100, outputTokens: 25, cacheReadTokens: 90, reasoningTokens: 20 });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'usage'],
    ['a number', 42],
    ['an empty object', {}],
    ['a chat usage without completion_tokens or total_tokens', { prompt_tokens: 5 }],
    ['negative counts', { prompt_tokens: -1, completion_tokens: 2 }],
    ['counts as strings', { prompt_tokens: '10', completion_tokens: '2' }],
    ['NaN', { input_tokens: Number.NaN, output_tokens: 1 }],
    ['a Responses usage without output_tokens', { input_tokens: 3 }],
  ])('returns undefined for %s', (_, value) => {
    expect(usageFromOpenAI(value)).toBeUndefined();
  });

  it('ignores malformed detail fields instead of failing', () => {
    expect(
      usageFromOpenAI({
        prompt_tokens: 10,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 'many' },
        completion_tokens_details: null,
      }),
    ).toEqual({
      inputTokens: 10,
      outputTokens: 2,
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    });
  });

  it('does not throw on objects whose getters throw', () => {
    const hostile = Object.defineProperty({}, 'prompt_tokens', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => usageFromOpenAI(hostile)).not.toThrow();
  });
});
