import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from '../src/index.js';

let fake: FakeLlm;
let client: Anthropic;
beforeAll(async () => {
  fake = await startFakeLlm({ latency: false, apiKey: 'sk-ant-test' });
  client = new Anthropic({
    baseURL: fake.anthropicUrl,
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    openTelemetry: false,
  });
});
afterAll(() => fake.close());

const ASK = {
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'Hi' }],
};
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

async function caught(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Anthropic.APIError) return error;
    throw error;
  }
  throw new Error('expected an APIError');
}

describe('/v1/messages through @anthropic-ai/sdk', () => {
  it('answers a JSON message with text, end_turn and usage the SDK parses', async () => {
    const message = await client.messages.create(ASK, { headers: { 'x-fake-tokens': '7' } });
    expect(message.type).toBe('message');
    expect(message.id).toMatch(/^msg_01/);
    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0]?.type).toBe('text');
    expect(message.usage.output_tokens).toBe(7);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('streams the real event sequence, ping included, and the helper rebuilds the same message', async () => {
    const events: string[] = [];
    const stream = await client.messages.create(
      { ...ASK, stream: true },
      { headers: { 'x-fake-tokens': '3' } },
    );
    let outputTokens = 0;
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'message_delta') outputTokens = event.usage.output_tokens;
    }
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(outputTokens).toBe(3);
    const raw = await fetch(`${fake.anthropicUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'x-fake-tokens': '1' },
      body: JSON.stringify({ ...ASK, stream: true }),
    });
    expect(await raw.text()).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    const final = await client.messages.stream(ASK, { headers: { 'x-fake-tokens': '4' } }).finalMessage();
    expect(final.usage.output_tokens).toBe(4);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('calls an offered tool with JSON input, streamed as input_json_delta, stop_reason tool_use', async () => {
    const ask = {
      ...ASK,
      messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }],
      tools: [WEATHER_TOOL],
    };
    const message = await client.messages.create(ask);
    expect(message.stop_reason).toBe('tool_use');
    const call = message.content.find((block) => block.type === 'tool_use');
    expect(call?.name).toBe('get_weather');
    expect(call?.input).toEqual({ city: 'Paris' });
    const streamed = await client.messages.stream(ask).finalMessage();
    expect(streamed.content.find((block) => block.type === 'tool_use')?.input).toEqual({ city: 'Paris' });
    expect(streamed.usage.output_tokens).toBe(message.usage.output_tokens);
  });

  it('max_tokens cuts the answer with stop_reason max_tokens', async () => {
    const message = await client.messages.create(
      { ...ASK, max_tokens: 2 },
      { headers: { 'x-fake-tokens': '9' } },
    );
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(2);
  });

  it('counts cache writes and reads only for prompts marked with cache_control', async () => {
    fake.reset();
    const text = 'You answer questions about the sea. '.repeat(40);
    const system = [{ type: 'text' as const, text }];
    const marked = [{ type: 'text' as const, text, cache_control: { type: 'ephemeral' as const } }];
    const plain = await client.messages.create({ ...ASK, system });
    expect(plain.usage.cache_creation_input_tokens).toBe(0);
    const first = await client.messages.create({ ...ASK, system: marked });
    const second = await client.messages.create({
      ...ASK,
      system: marked,
      messages: [{ role: 'user', content: 'Bye' }],
    });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(200);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    const total = (u: typeof first.usage) =>
      u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
    expect(total(first.usage)).toBe(total(plain.usage));
    const streamed = await client.messages.stream({ ...ASK, system: marked }).finalMessage();
    expect(streamed.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });

  it('keeps its prompt cache apart from Chat Completions: a prefix seen there is written here, not read', async () => {
    fake.reset();
    const text = 'You answer questions about ships. '.repeat(40);
    const chat = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-test' },
      body: JSON.stringify({
        model: ASK.model,
        messages: [
          { role: 'system', content: text },
          { role: 'user', content: 'Hi' },
        ],
      }),
    });
    expect(chat.status).toBe(200);
    const system = [{ type: 'text' as const, text, cache_control: { type: 'ephemeral' as const } }];
    const message = await client.messages.create({ ...ASK, system });
    expect(message.usage.cache_read_input_tokens).toBe(0);
    expect(message.usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('checks the key (x-api-key, or the bearer token SDK 1.x sends) and answers authentication_error', async () => {
    const raw = (headers: Record<string, string>) =>
      fetch(`${fake.anthropicUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(ASK),
      });
    expect((await raw({ 'x-api-key': 'sk-ant-test' })).status).toBe(200);
    expect((await raw({ authorization: 'Bearer sk-ant-test' })).status).toBe(200);
    expect((await raw({ 'x-api-key': 'sk-ant-other' })).status).toBe(401);
    const wrong = new Anthropic({
      baseURL: fake.anthropicUrl,
      apiKey: 'sk-ant-wrong',
      maxRetries: 0,
      openTelemetry: false,
    });
    const error = await caught(wrong.messages.create(ASK));
    expect(error.status).toBe(401);
    expect(error.type).toBe('authentication_error');
  });

  it('sends anthropic-ratelimit-* headers and a request-id, not OpenAI headers', async () => {
    const { response } = await client.messages.create(ASK).withResponse();
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('3999');
    expect(response.headers.get('anthropic-ratelimit-tokens-reset')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });
});

describe('/v1/messages faults', () => {
  it('529 is overloaded_error (the SDK raises OverloadedError)', async () => {
    const error = await caught(client.messages.create(ASK, { headers: { 'x-fake-fault': '529' } }));
    expect(error.status).toBe(529);
    expect(error.type).toBe('overloaded_error');
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
  });

  it('429 is rate_limit_error with retry-after and a spent window', async () => {
    const error = await caught(
      client.messages.create(ASK, { headers: { 'x-fake-fault': '429; retry-after=3' } }),
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.type).toBe('rate_limit_error');
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it('enforced rate limits refuse with rate_limit_error and anthropic-ratelimit-* headers', async () => {
    const limited = await startFakeLlm({ latency: false, rateLimits: { requestsPerMinute: 1 } });
    try {
      const c = new Anthropic({
        baseURL: limited.anthropicUrl,
        apiKey: 'x',
        maxRetries: 0,
        openTelemetry: false,
      });
      await c.messages.create(ASK);
      const error = await caught(c.messages.create(ASK));
      expect(error.status).toBe(429);
      expect(error.type).toBe('rate_limit_error');
      expect(error.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('a mid-stream error event reaches the SDK as an overloaded_error APIError', async () => {
    const stream = await client.messages.create(
      { ...ASK, stream: true },
      { headers: { 'x-fake-fault': 'sse-error-after=4', 'x-fake-tokens': '5' } },
    );
    const seen: string[] = [];
    const error = await caught(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
    );
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(error.type).toBe('overloaded_error');
  });

  it('a cut stream ends without message_stop and the SDK reports a broken connection', async () => {
    const stream = await client.messages.create(
      { ...ASK, stream: true },
      { headers: { 'x-fake-fault': 'cut-after=4', 'x-fake-tokens': '5' } },
    );
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
    ).rejects.toThrow();
    expect(seen).not.toContain('message_stop');
  });
});
