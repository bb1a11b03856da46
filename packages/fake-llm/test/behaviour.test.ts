import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens, type FakeLlm, startFakeLlm } from '../src/index.js';

let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm({ latency: false });
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => fake.close());

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, days: { type: 'integer' } },
      required: ['location', 'days'],
    },
  },
};

describe('tool calls', () => {
  it('calls a function the user message mentions, with schema-shaped arguments', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_/);
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      location: 'Paris',
      days: 1,
    });
  });

  it('answers with text when the prompt does not ask for a tool and tool_choice is auto', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Tell me a joke' }],
      tools: [weatherTool],
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('calls a tool when tool_choice is required or names it, and never with none', async () => {
    const base = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Tell me a joke' }] };
    const required = await client.chat.completions.create({
      ...base,
      tools: [weatherTool],
      tool_choice: 'required',
    });
    expect(required.choices[0]?.finish_reason).toBe('tool_calls');
    const named = await client.chat.completions.create({
      ...base,
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(named.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    const none = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'none',
    });
    expect(none.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams a tool call as deltas that reassemble into the JSON answer', async () => {
    const request = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'What is the weather in New York City?' }],
      tools: [weatherTool],
    };
    const json = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    let name = '';
    let args = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name += call?.function?.name ?? '';
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    const expected = json.choices[0]?.message.tool_calls?.[0];
    expect(expected?.type === 'function' && expected.function.arguments).toBe(args);
    expect(name).toBe('get_weather');
    expect(finish).toBe('tool_calls');
  });

  it('Responses: calls a function and streams its arguments', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        strict: true,
        parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ];
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Weather in Rome?',
      tools,
    });
    const call = response.output.find((item) => item.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ location: 'Rome' });
    const stream = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Weather in Rome?',
      tools,
      stream: true,
    });
    let args = '';
    for await (const event of stream)
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
    expect(JSON.parse(args)).toEqual({ location: 'Rome' });
  });
});

describe('responses truncation', () => {
  it('marks a Responses answer cut by max_output_tokens incomplete, streamed as response.incomplete', async () => {
    const request = { model: 'gpt-4o-mini', input: 'Talk', max_output_tokens: 16 };
    const headers = { headers: { 'x-fake-tokens': '40' } };
    const response = await client.responses.create(request, headers);
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.usage?.output_tokens).toBe(16);
    const stream = await client.responses.create({ ...request, stream: true }, headers);
    let last: string | undefined;
    for await (const event of stream) last = event.type;
    expect(last).toBe('response.incomplete');
  });
});

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'array', items: { $ref: '#/$defs/day' } },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['city', 'unit', 'days', 'note'],
    additionalProperties: false,
    $defs: { day: { type: 'object', properties: { high: { type: 'number' } }, required: ['high'] } },
  };
  const expected = { city: 'Oslo', unit: 'celsius', days: [{ high: 1 }], note: 'Oslo' };

  it('answers json_schema requests with JSON fitting the schema, which parse() reads', async () => {
    const completion = await client.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Forecast for Oslo please' }],
      response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema, strict: true } },
    });
    expect(completion.choices[0]?.message.parsed).toEqual(expected);
    expect(completion.usage?.completion_tokens).toBe(
      countTokens(completion.choices[0]?.message.content ?? ''),
    );
  });

  it('streams the same JSON in slices', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Forecast for Oslo please' }],
      response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema } },
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(text)).toEqual(expected);
  });

  it('answers json_object with a JSON object and Responses json_schema with JSON output text', async () => {
    const object = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Reply in JSON' }],
      response_format: { type: 'json_object' },
    });
    expect(Object.keys(JSON.parse(object.choices[0]?.message.content ?? ''))).toEqual(['answer']);
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Forecast for Oslo please',
      text: { format: { type: 'json_schema', name: 'forecast', schema } },
    });
    expect(JSON.parse(response.output_text)).toEqual(expected);
    expect(response.text?.format?.type).toBe('json_schema');
  });
});

describe('reasoning models', () => {
  it('report reasoning tokens inside completion tokens for o-series and gpt-5 models', async () => {
    const completion = await client.chat.completions.create(
      { model: 'o4-mini', messages: [{ role: 'user', content: 'Think' }] },
      { headers: { 'x-fake-tokens': '10' } },
    );
    expect(completion.model).toBe('o4-mini-2025-04-16');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(20);
    expect(completion.usage?.completion_tokens).toBe(30);
    const response = await client.responses.create(
      { model: 'gpt-5-mini', input: 'Think' },
      { headers: { 'x-fake-tokens': '4' } },
    );
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(8);
    expect(response.output[0]?.type).toBe('reasoning');
  });

  it('spend reasoning first against max_completion_tokens, cutting the answer with finish_reason length', async () => {
    const completion = await client.chat.completions.create(
      { model: 'o3-mini', messages: [{ role: 'user', content: 'Think' }], max_completion_tokens: 25 },
      { headers: { 'x-fake-tokens': '10' } },
    );
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(20);
    expect(completion.usage?.completion_tokens).toBe(25);
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('are not assumed for other models', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
  });
});

describe('prompt cache', () => {
  const system = {
    role: 'system' as const,
    content: 'You are a helpful assistant answering about the weather of the world.',
  };

  it('reports the tokens of a system message seen before as cached', async () => {
    fake.reset();
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [system, { role: 'user', content: 'Paris?' }],
    });
    const second = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [system, { role: 'user', content: 'Rome?' }],
    });
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(3 + countTokens(system.content));
  });

  it('is per model, forgotten on reset, and never caches a one-message prompt', async () => {
    fake.reset();
    const ask = (model: string) =>
      client.chat.completions.create({ model, messages: [system, { role: 'user', content: 'Oslo?' }] });
    await ask('gpt-4o-mini');
    expect((await ask('gpt-4o')).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    fake.reset();
    expect((await ask('gpt-4o-mini')).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const lone = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [system] });
    await lone();
    expect((await lone()).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('applies to Responses instructions', async () => {
    fake.reset();
    const ask = () =>
      client.responses.create({ model: 'gpt-4o-mini', instructions: system.content, input: 'Hi' });
    await ask();
    expect((await ask()).usage?.input_tokens_details.cached_tokens).toBe(3 + countTokens(system.content));
  });

  it('can be switched off', async () => {
    const uncached = await startFakeLlm({ latency: false, promptCache: false });
    try {
      const sdk = new OpenAI({ baseURL: uncached.url, apiKey: 'test', maxRetries: 0 });
      const ask = () =>
        sdk.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [system, { role: 'user', content: 'x' }],
        });
      await ask();
      expect((await ask()).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    } finally {
      await uncached.close();
    }
  });
});

describe('token counting', () => {
  it('counts ceil(length / 4) tokens per word', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('the sea')).toBe(2);
    expect(countTokens('  Bouvet   Island? ')).toBe(4);
  });

  it('counts prompt tokens as 3 per message plus the words plus 3 for the reply', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Which ocean contains Bouvet Island?' }],
    });
    expect(completion.usage?.prompt_tokens).toBe(3 + countTokens('Which ocean contains Bouvet Island?') + 3);
  });
});

describe('latency', () => {
  it('delays the answer by the configured time to first token', async () => {
    const slow = await startFakeLlm({ latency: { ttftMs: 120, tokenMs: 0 } });
    try {
      const started = Date.now();
      await fetch(`${slow.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      });
      // A lower bound only: the fake must not answer before its time to first token.
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
      const response = await fetch(`${slow.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-latency': 'ttft=5' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(response.headers.get('openai-processing-ms')).toBe('5');
    } finally {
      await slow.close();
    }
  });
});

describe('bad input', () => {
  const post = (path: string, body: string) =>
    fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it.each([
    ['/chat/completions', '{not json', null],
    ['/chat/completions', '[1,2]', null],
    ['/chat/completions', '{"messages":[{"role":"user","content":"x"}]}', null],
    ['/chat/completions', '{"model":"gpt-4o"}', 'messages'],
    ['/chat/completions', '{"model":"gpt-4o","messages":"hi"}', 'messages'],
    ['/chat/completions', '{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"n":0}', 'n'],
    ['/responses', '{"model":"gpt-4o"}', 'input'],
    ['/embeddings', '{"model":"text-embedding-3-small"}', 'input'],
    ['/embeddings', '{"model":"text-embedding-3-small","input":[{}]}', 'input'],
  ])('POST %s %s is a 400 with an OpenAI error body', async (path, body, param) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { type: string; param: string | null } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
  });

  it('refuses answers too big to build instead of running out of memory', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], n: 128 });
    const tooMany = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-tokens': '100000' },
      body,
    });
    expect(tooMany.status).toBe(400);
    const tooLong = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-tokens': '100000000' },
      body,
    });
    expect(tooLong.status).toBe(400);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(`${fake.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/nope)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('keeps serving after garbage', async () => {
    await post('/chat/completions', '\u0000\u0001');
    await post('/responses', 'null');
    await post('/embeddings', '{"model":"e","input":[1,"a",null]}');
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices).toHaveLength(1);
  });
});

describe('close', () => {
  it('ends hanging and streaming connections so close() resolves', async () => {
    const server = await startFakeLlm({ latency: { ttftMs: 0, tokenMs: 50 } });
    const sdk = new OpenAI({ baseURL: server.url, apiKey: 'test', maxRetries: 0 });
    const hanging = sdk.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-fake-fault': 'hang' } },
      )
      .catch((error: unknown) => error);
    const stream = await sdk.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true },
      { headers: { 'x-fake-tokens': '1000' } },
    );
    const reading = (async () => {
      for await (const _ of stream) {
        // read until the server goes away
      }
    })().catch((error: unknown) => error);
    await expect.poll(() => server.stats().inFlight).toBe(2);
    await server.close();
    expect(await hanging).toBeInstanceOf(Error);
    expect(await reading).toBeInstanceOf(Error);
  });
});
