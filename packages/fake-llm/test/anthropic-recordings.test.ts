import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../src/index.js';
import { type Exchange, keyPaths, recording as loadRecording } from './recordings.js';

/** Ground truth: real Anthropic exchanges recorded by OpenLLMetry (see the folder's README). */
function recording(name: string, index = 0): Exchange {
  return loadRecording('anthropic-recordings', name, index);
}

/** Fields the API added to usage after these recordings were made (the fake speaks today's API). */
const NEWER_USAGE_FIELDS = [
  '.cache_creation_input_tokens',
  '.cache_read_input_tokens',
  '.cache_creation',
  '.cache_creation.ephemeral_5m_input_tokens',
  '.cache_creation.ephemeral_1h_input_tokens',
  '.service_tier',
  '.input_tokens',
];

/**
 * Our key paths must hold every recorded one (tool inputs aside: their keys are the caller's schema); extra ones only
 * where the API grew newer usage fields.
 */
function expectSameShape(ours: Set<string>, recorded: Set<string>): void {
  expect([...recorded].filter((path) => !ours.has(path) && !path.includes('.input.'))).toEqual([]);
  const extra = [...ours].filter((path) => !recorded.has(path));
  for (const path of extra)
    expect(
      NEWER_USAGE_FIELDS.some((field) => path.endsWith(`usage${field}`)),
      path,
    ).toBe(true);
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

function sseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** The event sequence with runs of deltas of one block collapsed, e.g. `content_block_delta:text_delta`. */
function sequence(events: SseEvent[]): string[] {
  const out: string[] = [];
  for (const { event, data } of events) {
    const delta = data.delta as { type?: string } | undefined;
    const name = event === 'content_block_delta' ? `${event}:${delta?.type}` : event;
    if (out.at(-1) !== name) out.push(name);
  }
  return out;
}

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ latency: false });
});
afterAll(() => fake.close());

function replay(exchange: Exchange): Promise<Response> {
  return fetch(`${fake.anthropicUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(exchange.body),
  });
}

describe('replayed Anthropic recordings have the recorded shapes', () => {
  it.each(['anthropic-messages', 'anthropic-tools', 'anthropic-prompt-caching'])(
    '%s: the JSON message has the recorded key paths',
    async (name) => {
      const exchange = recording(name);
      const response = await replay(exchange);
      expect(response.status).toBe(exchange.status);
      expectSameShape(keyPaths(await response.json()), keyPaths(exchange.response));
    },
  );

  it('a tool request is answered with text then tool_use and stop_reason tool_use, as recorded', async () => {
    const exchange = recording('anthropic-tools');
    const body = (await (await replay(exchange)).json()) as {
      content: { type: string }[];
      stop_reason: string;
    };
    const recorded = exchange.response as typeof body;
    expect(body.stop_reason).toBe(recorded.stop_reason);
    expect(body.content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    expect(recorded.content.map((block) => block.type).slice(0, 2)).toEqual(['text', 'tool_use']);
  });

  it('a prompt marked with cache_control writes the cache, then the same prefix reads it, as recorded', async () => {
    fake.reset();
    const usages = [];
    for (const index of [0, 1]) {
      const exchange = recording('anthropic-prompt-caching', index);
      const body = (await (await replay(exchange)).json()) as { usage: Record<string, number> };
      const recorded = (exchange.response as typeof body).usage;
      usages.push(body.usage);
      expect((body.usage.cache_creation_input_tokens ?? 0) > 0).toBe(
        (recorded.cache_creation_input_tokens ?? 0) > 0,
      );
      expect((body.usage.cache_read_input_tokens ?? 0) > 0).toBe((recorded.cache_read_input_tokens ?? 0) > 0);
    }
    expect(usages[1]?.cache_read_input_tokens).toBe(usages[0]?.cache_creation_input_tokens);
    expect(usages[1]?.input_tokens).toBe(usages[0]?.input_tokens);
  });

  it.each([
    'anthropic-messages-streaming',
    'anthropic-tools-streaming',
    'anthropic-prompt-caching-streaming',
  ])('%s: the stream has the recorded event sequence and event shapes', async (name) => {
    const exchange = recording(name);
    const response = await replay(exchange);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const ours = sseEvents(await response.text());
    const recorded = sseEvents(exchange.response as string);
    // Claude may call two tools where the fake calls one: compare the steps from one event kind to the next.
    const steps = (names: string[]) => new Set(names.slice(1).map((name, i) => `${names[i]} → ${name}`));
    expect([...steps(sequence(ours))].filter((step) => !steps(sequence(recorded)).has(step))).toEqual([]);
    expect(sequence(ours).slice(0, 3)).toEqual(sequence(recorded).slice(0, 3));
    expect(sequence(ours).slice(-3)).toEqual(sequence(recorded).slice(-3));
    for (const type of new Set(recorded.map((e) => e.event))) {
      const mine = new Set<string>();
      const theirs = new Set<string>();
      for (const e of ours.filter((x) => x.event === type)) keyPaths(e.data, '', mine);
      for (const e of recorded.filter((x) => x.event === type)) keyPaths(e.data, '', theirs);
      expectSameShape(mine, theirs);
    }
  });

  it('sends the headers the real API sends', async () => {
    const exchange = recording('anthropic-messages');
    const response = await replay(exchange);
    await response.arrayBuffer();
    for (const name of Object.keys(exchange.rawHeaders)) {
      expect(response.headers.get(name), name).not.toBeNull();
    }
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });
});
