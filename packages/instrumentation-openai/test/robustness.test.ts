import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endedSpanWarnings, startTestBed, type TestBed } from './harness.js';

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed.close());

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] };
const throwingPricer = {
  price(): never {
    throw new Error('pricer exploded');
  },
};

describe('telemetry failures never reach the caller', () => {
  it('a throwing pricer leaves the result intact, ends the span and logs through diag', async () => {
    bed.instrumentation.setConfig({ pricer: throwingPricer });
    const result = await bed.client.chat.completions.create(hello);
    expect(result.object).toBe('chat.completion');
    const stream = await bed.client.chat.completions.create({ ...hello, stream: true });
    let chunks = 0;
    for await (const _chunk of stream) chunks++;
    expect(chunks).toBeGreaterThan(2);
    const spans = await bed.waitForSpans(2);
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(span.attributes).not.toHaveProperty('gen_ai.usage.cost.amount');
    }
    expect(bed.diag.error.filter((m) => m.includes('pricer exploded'))).toHaveLength(2);
    expect(endedSpanWarnings(bed.diag)).toEqual([]);
  });

  it('non-object params go straight to the SDK (its own validation error, no span)', async () => {
    bed.instrumentation.setConfig({});
    // async: openai <= 6 throws synchronously here, 7 rejects; either way it is the SDK's own error.
    await expect(async () => bed.client.chat.completions.create(undefined)).rejects.toThrow(/stream/);
    expect(bed.spans()).toHaveLength(0);
  });

  it('a disabled instrumentation records nothing', async () => {
    bed.instrumentation.disable();
    try {
      await bed.client.chat.completions.create(hello);
      expect(bed.spans()).toHaveLength(0);
    } finally {
      bed.instrumentation.enable();
    }
  });
});
