import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECT_NAMES, type DialectName, type FakeLlm, fakeCost, startFakeLlm } from '../src/index.js';

let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm({ latency: false });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => fake.close());

const params = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Tell me about the sea' }],
};

/** The raw SSE body of a streamed chat call in `dialect`. */
async function rawStream(dialect: DialectName, includeUsage: boolean, fault?: string): Promise<string> {
  const response = await fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-fake-dialect': dialect,
      'x-fake-tokens': '5',
      ...(fault ? { 'x-fake-fault': fault } : {}),
    },
    body: JSON.stringify({
      ...params,
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
    }),
  });
  expect(response.status).toBe(200);
  return response.text();
}

/** The data lines' JSON of an SSE body (comments and `[DONE]` left out). */
function events(body: string): Record<string, unknown>[] {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data:') && !line.endsWith('[DONE]'))
    .map((line) => JSON.parse(line.slice(5)));
}

/** The chunks the openai SDK hands a caller for a streamed call in `dialect`. */
async function sdkChunks(dialect: DialectName, includeUsage: boolean) {
  const stream = await client.chat.completions.create(
    { ...params, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) },
    { headers: { 'x-fake-dialect': dialect, 'x-fake-tokens': '5' } },
  );
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('dialects', () => {
  it('openai, the default: usage:null on every chunk, then a usage chunk with no choices, then [DONE]', async () => {
    const body = await rawStream('openai', true);
    expect(body.startsWith('data: {')).toBe(true);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    const chunks = events(body);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('relay-empty-delta: the usage chunk has one choice with an empty delta and usage.cost; : PROCESSING comments', async () => {
    const body = await rawStream('relay-empty-delta', true);
    expect(body.startsWith(': PROCESSING\n\n')).toBe(true);
    const chunks = events(body);
    expect(chunks.slice(0, -1).every((c) => !('usage' in c))).toBe(true);
    const last = chunks.at(-1) as { choices: unknown; usage: { cost: number; prompt_tokens: number } };
    expect(last.choices).toEqual([{ index: 0, delta: {} }]);
    expect(last.usage.cost).toBe(fakeCost(last.usage.prompt_tokens, 5));
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('relay-usage-on-finish: data: without a space, usage on the finish chunk, no [DONE], model openai/…', async () => {
    const body = await rawStream('relay-usage-on-finish', true);
    expect(body.startsWith('data:{')).toBe(true);
    expect(body).not.toContain('[DONE]');
    const chunks = events(body);
    const last = chunks.at(-1) as { choices: { finish_reason: string }[]; usage: unknown; model: string };
    expect(last.choices[0]?.finish_reason).toBe('stop');
    expect(last.usage).toMatchObject({ completion_tokens: 5 });
    expect(chunks.slice(0, -1).every((c) => !('usage' in c))).toBe(true);
    expect(last.model).toBe('openai/gpt-4o-mini');
  });

  it('relay-running-usage: running usage on every chunk, the final one on the finish chunk, invented finish reason, : keep-alive', async () => {
    const body = await rawStream('relay-running-usage', true);
    expect(body).toContain(': keep-alive\n\n');
    const chunks = events(body) as { usage: { completion_tokens: number }; choices: unknown[] }[];
    expect(chunks.map((c) => c.usage.completion_tokens)).toEqual([0, 1, 2, 3, 4, 5, 5]);
    expect(chunks.at(-1)?.choices).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'end_turn' },
    ]);
  });

  it('relay-no-usage: ignores stream_options, no usage anywhere', async () => {
    const body = await rawStream('relay-no-usage', true);
    expect(body).not.toContain('usage');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it.each(DIALECT_NAMES)('%s without include_usage sends no usage at all', async (dialect) => {
    expect(await rawStream(dialect, false)).not.toContain('usage');
  });

  it.each(DIALECT_NAMES)(
    '%s streams chunks the openai SDK reads, the same text as the JSON answer',
    async (dialect) => {
      const chunks = await sdkChunks(dialect, true);
      const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      const json = await client.chat.completions.create(
        { ...params },
        { headers: { 'x-fake-dialect': dialect, 'x-fake-tokens': '5' } },
      );
      expect(text).toBe(json.choices[0]?.message.content);
    },
  );

  it('a mid-stream error is a data line in the dialect framing, which the SDK throws', async () => {
    const body = await rawStream('relay-usage-on-finish', false, 'sse-error-after=3');
    expect(body.trimEnd().split('\n\n').at(-1)).toMatch(/^data:\{"error":\{/);
    const stream = await client.chat.completions.create(
      { ...params, stream: true },
      { headers: { 'x-fake-dialect': 'relay-usage-on-finish', 'x-fake-fault': 'sse-error-after=3' } },
    );
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toBeInstanceOf(APIError);
    expect(seen).toHaveLength(3);
  });

  it('JSON answers: relay-empty-delta reports usage.cost, relay-usage-on-finish the x-litellm-response-cost header', async () => {
    const withCost = await client.chat.completions.create(params, {
      headers: { 'x-fake-dialect': 'relay-empty-delta' },
    });
    const usage = withCost.usage as unknown as {
      cost: number;
      prompt_tokens: number;
      completion_tokens: number;
    };
    expect(usage.cost).toBe(fakeCost(usage.prompt_tokens, usage.completion_tokens));
    const { data, response } = await client.chat.completions
      .create(params, { headers: { 'x-fake-dialect': 'relay-usage-on-finish' } })
      .withResponse();
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBe(
      fakeCost(data.usage?.prompt_tokens ?? -1, data.usage?.completion_tokens ?? -1),
    );
    expect(data.model).toBe('openai/gpt-4o-mini');
  });

  it('the dialect option sets the server default; the header overrides it per request', async () => {
    const relay = await startFakeLlm({ latency: false, dialect: 'relay-no-usage' });
    try {
      const relayClient = new OpenAI({ baseURL: relay.url, apiKey: 'test', maxRetries: 0 });
      const read = async (headers: Record<string, string>) => {
        const chunks = [];
        const stream = await relayClient.chat.completions.create(
          { ...params, stream: true, stream_options: { include_usage: true } },
          { headers },
        );
        for await (const chunk of stream) chunks.push(chunk);
        return chunks;
      };
      expect((await read({})).some((c) => c.usage)).toBe(false);
      expect((await read({ 'x-fake-dialect': 'openai' })).at(-1)?.usage).toBeTruthy();
    } finally {
      await relay.close();
    }
  });

  it('an unknown dialect is a 400 that lists the known ones, or an error from startFakeLlm', async () => {
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-dialect': 'relay-nope' },
      body: JSON.stringify(params),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'relay-running-usage',
    );
    await expect(startFakeLlm({ dialect: 'nope' as DialectName })).rejects.toThrow(/unknown dialect "nope"/);
  });
});
