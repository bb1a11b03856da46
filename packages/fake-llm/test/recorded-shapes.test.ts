import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../src/index.js';
import { type Exchange, keyPaths, recording as loadRecording } from './recordings.js';

/** Ground truth: real OpenAI exchanges recorded by opentelemetry-js-contrib (see the folder's README). */
function recording(name: string, index = 0): Exchange {
  return loadRecording('openai-recordings', name, index);
}

function sseData(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)));
}

function unionOfKeyPaths(values: unknown[]): string[] {
  const out = new Set<string>();
  for (const value of values) keyPaths(value, '', out);
  return [...out].sort();
}

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ latency: false });
});
afterAll(() => fake.close());

/** Send a recorded request to the fake server. */
async function replay(exchange: Exchange): Promise<Response> {
  return fetch(`${fake.url}${exchange.path.replace(/^\/v1/, '')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
    body: JSON.stringify(exchange.body),
  });
}

describe('replayed recordings have the recorded shapes', () => {
  it.each([
    'openai-chat-completions-adds-genai-conventions',
    'openai-chat-completions-adds-genai-conventions-with-system-message',
    'openai-chat-completions-records-tool-calls',
    'openai-responses-adds-genai-conventions',
    'openai-embeddings-adds-genai-conventions',
  ])('%s: JSON body has the same key paths', async (name) => {
    const exchange = recording(name);
    const response = await replay(exchange);
    expect(response.status).toBe(exchange.status);
    expect([...keyPaths(await response.json())].sort()).toEqual([...keyPaths(exchange.response)].sort());
  });

  it('tool-call replies have the recorded message shape, finish reason and a call to the offered function', async () => {
    const exchange = recording('openai-chat-completions-records-tool-calls');
    const body = (await (await replay(exchange)).json()) as {
      choices: {
        finish_reason: string;
        message: { tool_calls: { function: { name: string; arguments: string } }[] };
      }[];
    };
    const choice = body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls[0]?.function.name).toBe('get_weather');
    expect(JSON.parse(choice?.message.tool_calls[0]?.function.arguments ?? '')).toEqual({
      location: 'New York City',
    });
  });

  it('the answer after tool results is text, as recorded', async () => {
    const exchange = recording('openai-chat-completions-records-tool-calls', 1);
    const body = await (await replay(exchange)).json();
    expect([...keyPaths(body)].sort()).toEqual([...keyPaths(exchange.response)].sort());
  });

  it('Responses function calls have the recorded output item keys', async () => {
    const exchange = recording('openai-responses-records-function-calls');
    const body = (await (await replay(exchange)).json()) as { output: unknown[] };
    const recorded = (exchange.response as { output: unknown[] }).output;
    expect([...keyPaths(body.output)].sort()).toEqual([...keyPaths(recorded)].sort());
  });

  it.each([
    'openai-streaming-chat-completions-records-usage',
    'openai-streaming-chat-completions-records-tool-calls',
    'openai-streaming-chat-completions-records-multiple-choices',
    'openai-streaming-chat-completions-adds-genai-conventions',
  ])('%s: stream chunks have the same key paths', async (name) => {
    const exchange = recording(name);
    const response = await replay(exchange);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(unionOfKeyPaths(sseData(text))).toEqual(unionOfKeyPaths(sseData(exchange.response as string)));
  });

  it('the completed Responses stream event carries the recorded response object', async () => {
    const exchange = recording('openai-streaming-responses-adds-genai-conventions');
    const ours = sseData(await (await replay(exchange)).text()) as { type: string; response?: unknown }[];
    const recorded = sseData(exchange.response as string) as { type: string; response?: unknown }[];
    const completed = (events: { type: string; response?: unknown }[]) =>
      events.find((e) => e.type === 'response.completed')?.response;
    expect([...keyPaths(completed(ours))].sort()).toEqual([...keyPaths(completed(recorded))].sort());
  });

  it('sends the headers the real API sends', async () => {
    const exchange = recording('openai-chat-completions-adds-genai-conventions');
    const response = await replay(exchange);
    await response.arrayBuffer();
    const ignored = new Set(['connection', 'date']);
    for (const name of Object.keys(exchange.rawHeaders).filter((h) => !ignored.has(h))) {
      expect(response.headers.get(name), name).not.toBeNull();
    }
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
