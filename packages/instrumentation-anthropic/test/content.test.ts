import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ captureMessageContent: true });
});
afterAll(() => bed.close());
beforeEach(() => bed.reset());

const WEATHER_TOOL = {
  name: 'get_weather',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const ASK = {
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  system: 'You are terse.',
  tools: [WEATHER_TOOL],
  messages: [
    { role: 'user', content: 'Weather?' },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } }],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' }] },
    { role: 'user', content: 'What is the weather in Paris?' },
  ],
};

function json(span: ReadableSpan | undefined, key: string): unknown {
  return JSON.parse(String(span?.attributes[key]));
}

describe('opt-in content capture', () => {
  it('records system as gen_ai.system_instructions and the conversation in the conventions shape', async () => {
    await bed.client.messages.create(ASK);
    const [span] = await bed.waitForSpans(1);
    expect(json(span, 'gen_ai.system_instructions')).toEqual([{ type: 'text', content: 'You are terse.' }]);
    const input = json(span, 'gen_ai.input.messages') as { role: string; parts: unknown[] }[];
    expect(input).toHaveLength(4);
    expect(input[1]?.parts).toEqual([
      { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Rome' } },
    ]);
    expect(input[2]?.parts).toEqual([{ type: 'tool_call_response', id: 'toolu_1', response: 'Sunny' }]);
    const output = json(span, 'gen_ai.output.messages') as {
      parts: { type: string }[];
      finish_reason: string;
    }[];
    expect(output[0]?.finish_reason).toBe('tool_use');
    expect(output[0]?.parts.map((p) => p.type)).toEqual(['text', 'tool_call']);
    expect(output[0]?.parts[1]).toMatchObject({ name: 'get_weather', arguments: { city: 'Paris' } });
  });

  it('rebuilds streamed text and tool input for the output message', async () => {
    const final = await bed.client.messages.stream(ASK).finalMessage();
    const [span] = await bed.waitForSpans(1);
    const output = json(span, 'gen_ai.output.messages') as { parts: Record<string, unknown>[] }[];
    const text = final.content.find((b: { type: string }) => b.type === 'text')?.text;
    expect(output[0]?.parts).toEqual([
      { type: 'text', content: text },
      { type: 'tool_call', id: final.content[1]?.id, name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
  });
});

describe('content capture is off by default', () => {
  it('records no content attributes', async () => {
    const plain = await startTestBed();
    try {
      await plain.client.messages.create(ASK);
      const [span] = await plain.waitForSpans(1);
      for (const key of ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages']) {
        expect(span?.attributes[key], key).toBeUndefined();
      }
    } finally {
      await plain.close();
    }
  });
});
