// The usage chunk is recognised by what it is (usage, and nothing for the caller), not by one shape: the shapes
// relays send that the fake server does not, read chunk by chunk.
import { describe, expect, it } from 'vitest';
import { ChatChunkReader, ChunkKind } from '../src/chunks.js';

const USAGE = { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 };

function chunk(choices: unknown, usage?: unknown): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'm',
    choices,
    ...(usage ? { usage } : {}),
  };
}

const role = (usage?: unknown) => chunk([{ index: 0, delta: { role: 'assistant', content: '' } }], usage);
const text = (content: string, usage?: unknown) => chunk([{ index: 0, delta: { content } }], usage);
const finish = (usage?: unknown) => chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], usage);

/** What the caller gets of `chunks`, read in order by one reader. */
function shown(chunks: Record<string, unknown>[], usageInjected: boolean) {
  const reader = new ChatChunkReader(usageInjected, false);
  const kept = chunks.filter((c) => reader.read(c) !== ChunkKind.Hidden);
  return { kept, usage: reader.summary().usage };
}

describe('the usage chunk we asked for', () => {
  it.each([
    ['no choices', chunk([], USAGE)],
    ['one choice with an empty delta', chunk([{ index: 0, delta: {} }], USAGE)],
    [
      'a role and empty content after the finish',
      chunk([{ index: 0, delta: { role: 'assistant', content: '' } }], USAGE),
    ],
    [
      'null content, refusal and tool calls',
      chunk(
        [{ index: 0, delta: { content: null, refusal: null, tool_calls: [] }, finish_reason: null }],
        USAGE,
      ),
    ],
    ['no choices key at all', { id: 'chatcmpl-1', usage: USAGE }],
  ])('is hidden when it has %s', (_shape, usageChunk) => {
    const { kept, usage } = shown([role(), text('Hi'), finish(), usageChunk], true);
    expect(kept).toHaveLength(3);
    expect(kept).not.toContain(usageChunk);
    expect(usage).toBe(USAGE);
  });

  it('is kept, unchanged, when the caller asked for usage', () => {
    const usageChunk = chunk([{ index: 0, delta: {} }], USAGE);
    const { kept } = shown([role(), text('Hi'), finish(), usageChunk], false);
    expect(kept).toHaveLength(4);
    expect(usageChunk.usage).toBe(USAGE);
  });

  it('riding on the finish chunk: the chunk is kept, its usage field unset', () => {
    const last = finish(USAGE);
    const { kept, usage } = shown([role(), text('Hi'), last], true);
    expect(kept).toHaveLength(3);
    expect(JSON.stringify(last)).not.toContain('usage');
    expect(usage).toBe(USAGE);
  });

  it('running usage on every chunk: every chunk is kept (the role chunk too), usage unset, the last totals win', () => {
    const running = [
      role({ ...USAGE, completion_tokens: 0 }),
      text('Hi', { ...USAGE, completion_tokens: 1 }),
      text('', { ...USAGE, completion_tokens: 1 }),
      finish(USAGE),
    ];
    const { kept, usage } = shown(running, true);
    expect(kept).toHaveLength(4);
    expect(kept.every((c) => c.usage === undefined)).toBe(true);
    expect(usage).toBe(USAGE);
  });

  it('a chunk with usage and anything for the caller is kept: content, tool calls, refusal, audio, reasoning, logprobs', () => {
    const bearing = [
      chunk([{ index: 0, delta: { content: '!' } }], USAGE),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] } }], USAGE),
      chunk([{ index: 0, delta: { refusal: 'no' } }], USAGE),
      chunk([{ index: 0, delta: { audio: { data: 'AAAA' } } }], USAGE),
      chunk([{ index: 0, delta: { reasoning: 'thinking' } }], USAGE),
      chunk([{ index: 0, delta: {}, logprobs: { content: [] } }], USAGE),
    ];
    for (const extra of bearing) {
      const { kept } = shown([role(), text('Hi'), finish(), extra], true);
      expect(kept, JSON.stringify(extra.choices)).toContain(extra);
      expect(extra.usage).toBeUndefined();
    }
  });
});
