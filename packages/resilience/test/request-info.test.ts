import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilient } from '../src/index.js';
import { requestInfo } from '../src/request-info.js';

const URL = 'http://127.0.0.1:9/v1/chat/completions';
const BODY = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [] });

describe('requestInfo', () => {
  it('reads model and stream from the JSON body when the call params are unknown', () => {
    const info = requestInfo(URL, BODY);
    expect(info).toMatchObject({ model: 'gpt-4o-mini', stream: true, api: 'chat', server: '127.0.0.1:9' });
    expect(info.json).toEqual({ model: 'gpt-4o-mini', stream: true, messages: [] });
  });

  it('takes model and stream from the call params without parsing the body', () => {
    // Not JSON at all: a parse would find no model.
    const info = requestInfo(URL, '{not json', { model: 'gpt-4o', stream: true });
    expect(info).toMatchObject({ model: 'gpt-4o', stream: true });
    expect(info.json).toBeUndefined();
  });

  it('still parses the body when a fallback needs it to rewrite the model', () => {
    const info = requestInfo(URL, BODY, { model: 'gpt-4o-mini', stream: true }, true);
    expect(info.json).toEqual({ model: 'gpt-4o-mini', stream: true, messages: [] });
  });

  it('ignores params that cannot stand for the body (no model, or a body that is not text)', () => {
    expect(requestInfo(URL, BODY, { messages: [] }).model).toBe('gpt-4o-mini');
    expect(requestInfo(URL, undefined, { model: 'gpt-4o' }).model).toBeUndefined();
  });

  it('gives no model for a body that is not JSON', () => {
    expect(requestInfo(URL, 'model=gpt-4o').model).toBeUndefined();
    expect(requestInfo(URL, '{"model": ').model).toBeUndefined();
  });
});

describe('resilient client: the request body is not parsed again', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('hands the params of create() to its fetch, which then leaves the JSON body alone', async () => {
    const bodies: string[] = [];
    const stub = async (_url: unknown, init?: RequestInit) => {
      bodies.push(String(init?.body));
      return new Response(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    };
    const client = resilient(
      new OpenAI({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', fetch: stub as typeof fetch }),
      { bulkhead: false },
    );
    const parse = vi.spyOn(JSON, 'parse');
    const result = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a long prompt' }],
    });
    expect(result.choices[0]?.message.content).toBe('hi');
    expect(bodies).toHaveLength(1);
    const parsedRequestBody = parse.mock.calls.filter(([text]) => text === bodies[0]);
    expect(parsedRequestBody).toEqual([]);
  });
});
