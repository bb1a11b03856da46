import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { endedSpanWarnings, histogram, pointWith, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeEach(() => bed?.reset());
afterAll(() => bed?.close());

describe('chat.completions.create (JSON)', () => {
  it('records one CLIENT span with request, response and usage attributes', async () => {
    bed = await startTestBed();
    const result = await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      seed: 42,
      stop: 'END',
    });
    const spans = await bed.waitForSpans(1);
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(2);
    const port = Number(new URL(bed.fakeUrl).port);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.seed': 42,
      'gen_ai.request.stop_sequences': ['END'],
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.id': result.id,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': [result.choices[0].finish_reason],
      'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': result.usage.completion_tokens,
    });
    expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.status.code).toBe(0);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('records duration and token usage metrics with the response model', async () => {
    const before = await bed.points('gen_ai.client.operation.duration');
    const result = await bed.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'metrics please' }],
    });
    const attrs = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'server.address': '127.0.0.1',
    };
    expect(before.filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-4o')).toHaveLength(0);
    const duration = pointWith(await bed.points('gen_ai.client.operation.duration'), attrs);
    expect(histogram(duration).count).toBe(1);
    expect(duration.attributes['error.type']).toBeUndefined();
    const usage = await bed.points('gen_ai.client.token.usage');
    expect(histogram(pointWith(usage, { ...attrs, 'gen_ai.token.type': 'input' })).sum).toBe(
      result.usage.prompt_tokens,
    );
    expect(histogram(pointWith(usage, { ...attrs, 'gen_ai.token.type': 'output' })).sum).toBe(
      result.usage.completion_tokens,
    );
    const tokens = await bed.points('aiotel.gen_ai.client.tokens');
    expect(pointWith(tokens, { ...attrs, 'gen_ai.token.type': 'input' }).value).toBe(
      result.usage.prompt_tokens,
    );
  });
});
