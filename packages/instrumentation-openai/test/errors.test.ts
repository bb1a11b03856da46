import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, endedSpanWarnings, histogram, pointWith, startTestBed, type TestBed } from './harness.js';
import { serveCanned } from './replay.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'fail please' }] });

describe('failed calls', () => {
  const cases = [
    { fault: 'status=400', type: '400', errorClass: 'BadRequestError' },
    { fault: 'status=401', type: '401', errorClass: 'AuthenticationError' },
    { fault: 'status=429; retry-after=2', type: '429', errorClass: 'RateLimitError' },
    { fault: 'status=500', type: '500', errorClass: 'InternalServerError' },
    { fault: 'status=529', type: '529', errorClass: 'InternalServerError' },
    { fault: 'reset', type: 'APIConnectionError', errorClass: 'APIConnectionError' },
  ];
  for (const { fault, type, errorClass } of cases) {
    it(`marks the span failed with error.type ${type} for ${fault}, and rethrows the SDK's error`, async () => {
      const model = `gpt-4o-${type.toLowerCase()}`;
      const error = await bed.client.chat.completions
        .create(chat(model), { headers: { 'x-fake-fault': fault } })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect((error as Error).constructor.name).toBe(errorClass);
      const spans = await bed.waitForSpans(1);
      expect(spans).toHaveLength(1);
      const span = spans[0]!;
      expect(span.status.code).toBe(2);
      expect(span.attributes['error.type']).toBe(type);
      const exception = span.events.find((e) => e.name === 'exception');
      expect(exception?.attributes?.['exception.type']).toBe(errorClass);
      const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), {
        'gen_ai.request.model': model,
      });
      expect(duration.attributes['error.type']).toBe(type);
      expect(histogram(duration).count).toBe(1);
      const usage = await bed.points('gen_ai.client.token.usage');
      expect(usage.filter((p) => p.attributes['gen_ai.request.model'] === model)).toEqual([]);
      expect(endedSpanWarnings(bed.diag)).toEqual([]);
    });
  }

  it('fails streamed calls whose request fails the same way', async () => {
    await expect(
      bed.client.chat.completions.create(
        { ...chat('gpt-4o'), stream: true },
        { headers: { 'x-fake-fault': 'status=429' } },
      ),
    ).rejects.toThrow();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('429');
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
  });

  it('records SyntaxError for a malformed JSON body', async () => {
    await expect(
      bed.client.chat.completions.create(chat('gpt-4o'), {
        headers: { 'x-fake-fault': 'malformed' },
      }),
    ).rejects.toThrow();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('SyntaxError');
    expect(span?.status.code).toBe(2);
  });

  it('records APIConnectionTimeoutError when the SDK times out', async () => {
    await expect(
      bed.client.chat.completions.create(chat('gpt-4o'), {
        timeout: 20,
        headers: { 'x-fake-fault': 'hang' },
      }),
    ).rejects.toThrow();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('APIConnectionTimeoutError');
  });

  it('records APIUserAbortError when the caller aborts the request', async () => {
    const controller = new AbortController();
    const pending = bed.client.chat.completions.create(chat('gpt-4o'), {
      signal: controller.signal,
      headers: { 'x-fake-fault': 'hang' },
    });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toThrow();
    const [span] = await bed.waitForSpans(1);
    expect(span?.attributes['error.type']).toBe('APIUserAbortError');
  });

  it('advises injectStreamUsage: false once when a server rejects the stream_options it added', async () => {
    const canned = await serveCanned(
      400,
      'application/json',
      JSON.stringify({
        error: { message: 'Unrecognized request argument supplied: stream_options', type: 'x' },
      }),
    );
    try {
      const client = new bed.OpenAI({ baseURL: canned.url, apiKey: API_KEY, maxRetries: 0 });
      for (let i = 0; i < 2; i++) {
        await expect(client.chat.completions.create({ ...chat('gpt-4o'), stream: true })).rejects.toThrow(
          /stream_options/,
        );
      }
      const advice = bed.diag.warn.filter((m) => m.includes('injectStreamUsage: false'));
      expect(advice).toHaveLength(1);
    } finally {
      await canned.close();
    }
  });

  it('never records the API key, even when the error message contains it', async () => {
    const canned = await serveCanned(
      400,
      'application/json',
      JSON.stringify({
        error: { message: `Key ${API_KEY} is not allowed`, type: 'invalid_request_error' },
      }),
    );
    try {
      const client = new bed.OpenAI({ baseURL: canned.url, apiKey: API_KEY, maxRetries: 0 });
      const error = await client.chat.completions.create(chat('gpt-4o')).catch((e: Error) => e);
      expect((error as Error).message).toContain(API_KEY);
      const [span] = await bed.waitForSpans(1);
      const exported = JSON.stringify({
        attributes: span?.attributes,
        events: span?.events,
        status: span?.status,
      });
      expect(exported).toContain('is not allowed');
      expect(exported).not.toContain(API_KEY);
      expect(exported).not.toContain(API_KEY.slice(3));
    } finally {
      await canned.close();
    }
  });
});
