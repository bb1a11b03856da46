import type { Attributes } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  type Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAttributes } from '../src/index.js';
import { startTestBed, type TestBed } from './harness.js';

/** Samples every span and keeps the attributes it was shown. */
class SeeingSampler implements Sampler {
  readonly seen: Attributes[] = [];
  shouldSample(_context: unknown, _traceId: string, _name: string, _kind: unknown, attributes: Attributes) {
    this.seen.push({ ...attributes });
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }
  toString(): string {
    return 'SeeingSampler';
  }
}

let bed: TestBed;
let sampler: SeeingSampler;
let exporter: InMemorySpanExporter;
let provider: TracerProvider;
beforeAll(async () => {
  bed = await startTestBed();
  sampler = new SeeingSampler();
  exporter = new InMemorySpanExporter();
  provider = new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  bed.instrumentation.setTracerProvider(provider);
});
beforeEach(() => {
  bed.reset();
  exporter.reset();
  sampler.seen.length = 0;
});
afterAll(async () => {
  await bed?.close();
  await provider?.shutdown();
});

// Every request attribute the chat API has, so a lost one shows.
const PARAMS = {
  model: 'gpt-4o-mini',
  n: 2,
  response_format: { type: 'json_object' },
  presence_penalty: 0.3,
  frequency_penalty: 0.1,
  stop: ['END', 'STOP'],
  messages: [{ role: 'user', content: 'Name three colours' }],
  seed: 7,
  max_tokens: 60,
  top_p: 0.8,
  temperature: 0.2,
};

function sampling(): Attributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(bed.fakeUrl).port),
  };
}

describe('span start', () => {
  it('shows samplers the GenAI sampling attributes, and the span ends with every attribute', async () => {
    const result = await bed.client.chat.completions.create(PARAMS);
    expect(sampler.seen).toEqual([sampling()]);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes).toEqual({
      ...sampling(),
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.request.max_tokens': 60,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['END', 'STOP'],
      'gen_ai.request.frequency_penalty': 0.1,
      'gen_ai.request.presence_penalty': 0.3,
      'gen_ai.request.choice.count': 2,
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': result.id,
      'gen_ai.response.model': result.model,
      'gen_ai.response.finish_reasons': result.choices.map((c: { finish_reason: string }) => c.finish_reason),
      'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': result.usage.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': expect.any(Number),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'local',
    });
    expect(spans[0]!.droppedAttributesCount).toBe(0);
  });

  it('shows samplers the business attributes too, and GenAI attributes still win over a business key', async () => {
    await withAttributes({ 'app.tenant': 'acme', 'gen_ai.request.temperature': 'x' }, () =>
      bed.client.chat.completions.create(PARAMS),
    );
    expect(sampler.seen).toEqual([
      { 'app.tenant': 'acme', 'gen_ai.request.temperature': 'x', ...sampling() },
    ]);
    const attributes = exporter.getFinishedSpans()[0]!.attributes;
    expect(attributes['app.tenant']).toBe('acme');
    expect(attributes['gen_ai.request.temperature']).toBe(0.2);
  });

  it('a call whose span is not sampled still returns its result, and records its metrics and cost', async () => {
    const off = new TracerProvider({ sampler: new AlwaysOffSampler() });
    bed.instrumentation.setTracerProvider(off);
    try {
      const result = await bed.client.chat.completions.create({ ...PARAMS, model: 'gpt-4o' });
      expect(result.choices).toHaveLength(2);
      for (const metric of [
        'gen_ai.client.operation.duration',
        'gen_ai.client.token.usage',
        'aiotel.gen_ai.client.cost',
      ]) {
        expect((await bed.pointsOfModel(metric, 'gpt-4o')).length, metric).toBeGreaterThan(0);
      }
      expect(bed.diag.error).toEqual([]);
    } finally {
      bed.instrumentation.setTracerProvider(provider);
      await off.shutdown();
    }
  });
});
