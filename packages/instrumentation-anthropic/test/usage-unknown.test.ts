import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicModule, API_KEY, pointWith, startTestBed, type TestBed } from './harness.js';

// A gateway in front of Anthropic that answers but drops `usage`: the answer is real, its tokens unknown.
const MODEL = 'claude-haiku-4-5';
const ASK = { model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] };
const MESSAGE = {
  id: 'msg_gateway_1',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content: [{ type: 'text', text: 'Hello.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
};
const { content: _content, ...STARTED } = MESSAGE;
const EVENTS = [
  ['message_start', { message: { ...STARTED, content: [], stop_reason: null } }],
  ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
  ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }],
  ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lo.' } }],
  ['content_block_stop', { index: 0 }],
  ['message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null } }],
  ['message_stop', {}],
] as const;

function startGateway(): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      if (JSON.parse(body).stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(MESSAGE));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const [type, data] of EVENTS)
        res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let bed: TestBed;
let gateway: Server;
let client: AnthropicModule;
beforeAll(async () => {
  bed = await startTestBed();
  gateway = await startGateway();
  const { port } = gateway.address() as AddressInfo;
  client = new bed.Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await bed.close();
  await new Promise((resolve) => gateway.close(resolve));
});
beforeEach(() => bed.reset());

async function unknownCalls(model: string): Promise<number> {
  const points = (await bed.points('aiotel.gen_ai.client.usage_unknown_calls')).filter(
    (p) => p.attributes['gen_ai.request.model'] === model,
  );
  return points.reduce((sum, p) => sum + Number(p.value), 0);
}

describe('usage unknown', () => {
  it('marks a message answered without usage aiotel.gen_ai.usage.unknown and counts it, with no tokens or cost', async () => {
    const before = await unknownCalls(MODEL);
    const message = await client.messages.create(ASK);
    expect(message.usage).toBeUndefined();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes).toMatchObject({
      'gen_ai.response.id': 'msg_gateway_1',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'aiotel.gen_ai.usage.unknown': true,
    });
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(span?.attributes['error.type']).toBeUndefined();
    expect((await unknownCalls(MODEL)) - before).toBe(1);
    const unknown = pointWith(await bed.points('aiotel.gen_ai.client.usage_unknown_calls'), {
      'gen_ai.request.model': MODEL,
    });
    expect(unknown.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.model': MODEL,
    });
    const tokens = (await bed.points('gen_ai.client.token.usage')).filter(
      (p) => p.attributes['gen_ai.request.model'] === MODEL,
    );
    expect(tokens).toEqual([]);
  });

  it('does the same for a stream whose events carry no usage', async () => {
    const before = await unknownCalls(MODEL);
    const stream = await client.messages.create({ ...ASK, stream: true });
    for await (const _ of stream);
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['aiotel.gen_ai.usage.unknown']).toBe(true);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect((await unknownCalls(MODEL)) - before).toBe(1);
  });

  it('does not mark or count calls whose usage is known, nor failed calls', async () => {
    const model = 'claude-opus-4-1';
    await bed.client.messages.create({ ...ASK, model });
    await expect(
      bed.client.messages.create({ ...ASK, model }, { headers: { 'x-fake-fault': '500' } }),
    ).rejects.toThrow();
    const spans = await bed.waitForSpans(2);
    expect(spans.map((s) => s.attributes['aiotel.gen_ai.usage.unknown'])).toEqual([undefined, undefined]);
    expect(spans.map((s) => s.attributes['error.type'])).toEqual([undefined, '500']);
    expect(await unknownCalls(model)).toBe(0);
  });
});
