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

const question = [
  { role: 'user' as const, content: 'Answer in up to 3 words: Which ocean contains Bouvet Island?' },
];

describe('chat completions', () => {
  it('answers JSON with a dated model, text and usage that counts the text', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: question });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-2024-08-06');
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.content).toMatch(/^[A-Z]/);
    expect(completion.usage?.completion_tokens).toBe(countTokens(choice?.message.content ?? ''));
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('gives the same content for the same request', async () => {
    const a = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    const b = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question, seed: 7 });
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
    expect(c.choices[0]?.message.content).not.toBe(a.choices[0]?.message.content);
  });

  it('echoes model names it does not know, as a relay serves them', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: question,
    });
    expect(completion.model).toBe('claude-sonnet-4-5');
  });

  it('streams the same text as the JSON answer, with a final usage chunk when include_usage is set', async () => {
    const json = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(json.choices[0]?.message.content);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(json.usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('sends no usage chunk and no usage key without include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: question,
      stream: true,
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && !('usage' in chunk))).toBe(true);
  });

  it('streams exactly x-fake-tokens content chunks', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: question, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-fake-tokens': '500' } },
    );
    let contentChunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) contentChunks++;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentChunks).toBe(500);
    expect(usage?.completion_tokens).toBe(500);
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    const completion = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: question, max_tokens: 3 },
      { headers: { 'x-fake-tokens': '10' } },
    );
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(3);
    expect(countTokens(completion.choices[0]?.message.content ?? '')).toBe(3);
  });

  it('gives n different choices', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: question,
      n: 3,
    });
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(completion.choices.map((c) => c.message.content)).size).toBe(3);
    const total = completion.choices.reduce((sum, c) => sum + countTokens(c.message.content ?? ''), 0);
    expect(completion.usage?.completion_tokens).toBe(total);
  });
});

describe('responses', () => {
  it('answers JSON with output text and usage', async () => {
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      input: question[0]?.content ?? '',
    });
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.status).toBe('completed');
    expect(response.model).toBe('gpt-4o-mini-2024-07-18');
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBe(countTokens(response.output_text));
  });

  it('streams the lifecycle events, text deltas and a completed response with usage', async () => {
    const json = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say something' });
    const stream = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Say something',
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    const distinct = types.filter((t, i) => t !== types[i - 1]);
    expect(distinct).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).toBe(json.output_text);
    expect(completed?.usage).toEqual(json.usage);
  });
});

describe('embeddings', () => {
  it('returns float arrays of the model dimension with token usage', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['One fish', 'two fish'],
      encoding_format: 'float',
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding).toHaveLength(1536);
    expect(result.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it('answers the base64 the SDK asks for by default, decoding to the same vector as float', async () => {
    const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'red fish' });
    const viaFloat = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'red fish',
      encoding_format: 'float',
    });
    expect(viaBase64.data[0]?.embedding).toHaveLength(1536);
    expect(viaBase64.data[0]?.embedding).toEqual(viaFloat.data[0]?.embedding);
  });

  it('honours dimensions', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'x',
      dimensions: 256,
    });
    expect(result.data[0]?.embedding).toHaveLength(256);
  });
});

describe('models', () => {
  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).toContain('text-embedding-3-small');
  });
});
