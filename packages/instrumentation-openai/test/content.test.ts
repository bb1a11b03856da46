// Message content on real recorded exchanges (tool calls, JSON and streamed), with capture on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, startTestBed, type TestBed } from './harness.js';
import { startReplay } from './replay.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ captureMessageContent: true });
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const weather = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant providing weather updates.' },
    { role: 'user', content: 'What is the weather in New York City and London?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
      },
    },
  ],
};

async function onReplay<T>(recording: string, fn: (client: TestBed['client']) => Promise<T>) {
  const replay = await startReplay(recording);
  try {
    return await fn(new bed.OpenAI({ baseURL: replay.url, apiKey: API_KEY, maxRetries: 0 }));
  } finally {
    await replay.close();
  }
}

describe('captured content', () => {
  it('records tool calls of a JSON response as tool_call parts with parsed arguments', async () => {
    await onReplay('openai-chat-completions-with-content-capture-records-tool-calls', (client) =>
      client.chat.completions.create(weather),
    );
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(JSON.parse(span?.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: 'call_n6OA3ruiGLsd0hQFPQV9fErc',
            name: 'get_weather',
            arguments: { location: 'New York City' },
          },
          {
            type: 'tool_call',
            id: 'call_d7kGKpfVm9Oy9ovs0W8Rn47b',
            name: 'get_weather',
            arguments: { location: 'London' },
          },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('gathers streamed tool call deltas into whole tool calls', async () => {
    const chunks = await onReplay('openai-streaming-chat-completions-records-tool-calls', async (client) => {
      const stream = await client.chat.completions.create({ ...weather, stream: true });
      const seen: unknown[] = [];
      for await (const chunk of stream) seen.push(chunk);
      return seen;
    });
    expect(chunks.length).toBeGreaterThan(3);
    const [span] = await bed.waitForSpans(1);
    const [output] = JSON.parse(span?.attributes['gen_ai.output.messages'] as string);
    expect(output.finish_reason).toBe('tool_calls');
    expect(output.parts.length).toBeGreaterThan(0);
    for (const part of output.parts) {
      expect(part).toMatchObject({ type: 'tool_call', name: 'get_weather' });
      expect(part.id).toMatch(/^call_/);
      expect(part.arguments).toHaveProperty('location');
    }
  });

  it('records tool results and assistant tool calls in the input history', async () => {
    await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21°C' },
      ],
    });
    const [span] = await bed.waitForSpans(1);
    expect(JSON.parse(span?.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } }],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'call_1', response: 'Sunny, 21°C' }],
      },
    ]);
  });

  it('records images by part type only, never their data', async () => {
    await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAASECRETPIXELS' } },
          ],
        },
      ],
    });
    const [span] = await bed.waitForSpans(1);
    const input = span?.attributes['gen_ai.input.messages'] as string;
    expect(JSON.parse(input)).toEqual([
      {
        role: 'user',
        parts: [{ type: 'text', content: 'What is in this picture?' }, { type: 'image_url' }],
      },
    ]);
    expect(input).not.toContain('SECRETPIXELS');
  });
});
