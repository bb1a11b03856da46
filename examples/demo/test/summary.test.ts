import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CallRecorder } from '../src/call-recorder.mjs';
import { metricFacts } from '../src/metric-facts.mjs';
import { MetricTotals } from '../src/metric-totals.mjs';
import { errorName } from '../src/run-call.mjs';
import { percentile, summarize } from '../src/summary.mjs';
import { countOf, formatUsd, renderSummaryTable } from '../src/summary-table.mjs';

type SpanFields = {
  attributes?: Record<string, unknown>;
  durationMs?: number;
  error?: boolean;
  events?: { name: string; attributes?: Record<string, unknown> }[];
};

/** An OTLP JSON AnyValue, integers as int64 strings the way protobuf JSON may carry them. */
function anyValue(value: unknown): object {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  throw new Error(`no AnyValue for ${String(value)}`);
}

const keyValues = (attributes: Record<string, unknown>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

/** A span as the OTLP/HTTP JSON exporter sends it. */
function span({ attributes = {}, durationMs = 100, error = false, events = [] }: SpanFields): object {
  const start = 1_764_000_000_000_000_000n;
  return {
    name: 'span',
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + BigInt(durationMs) * 1_000_000n),
    attributes: keyValues(attributes),
    status: { code: error ? 2 : 0 },
    events: events.map((event) => ({ name: event.name, attributes: keyValues(event.attributes ?? {}) })),
  };
}

/** An ExportTraceServiceRequest holding the spans. */
const exported = (...spans: object[]) => ({
  resourceSpans: [{ resource: {}, scopeSpans: [{ scope: {}, spans }] }],
});

/** The CallRecord of a single span, through the same path as an export. */
function recordOf(fields: SpanFields) {
  const recorder = new CallRecorder();
  recorder.addOtlpTraces(exported(span(fields)));
  return recorder.records[0];
}

const genAi = (model: string, extra: Record<string, unknown> = {}) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': model,
  ...extra,
});

describe('CallRecorder', () => {
  it('keeps GenAI spans and ignores HTTP attempt spans', () => {
    const recorder = new CallRecorder();
    recorder.addOtlpTraces(
      exported(
        span({ attributes: genAi('gpt-4o-mini') }),
        span({ attributes: { 'http.request.method': 'POST' } }),
      ),
    );
    expect(recorder.records.map((record) => record.model)).toEqual(['gpt-4o-mini']);
  });

  it('skips malformed payloads and keeps the readable spans', () => {
    const recorder = new CallRecorder();
    expect(() => recorder.addOtlpTraces('not json')).not.toThrow();
    recorder.addOtlpTraces({
      resourceSpans: [{ scopeSpans: [{ spans: [null, 7, span({ attributes: genAi('x') })] }] }],
    });
    expect(recorder.records.map((record) => record.model)).toEqual(['x']);
  });

  it('reads usage, cost, time to first chunk, feature and error type', () => {
    const record = recordOf({
      durationMs: 1500,
      error: true,
      attributes: genAi('claude-sonnet-4-5', {
        'gen_ai.request.stream': true,
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.usage.cache_read.input_tokens': 64,
        'gen_ai.usage.cost.amount': 0.00123,
        'gen_ai.response.time_to_first_chunk': 0.25,
        'app.feature': 'support-chat',
        'error.type': 'StreamInterruptedError',
      }),
    });
    expect(record).toMatchObject({
      model: 'claude-sonnet-4-5',
      streaming: true,
      durationS: 1.5,
      inputTokens: 120,
      outputTokens: 30,
      cachedTokens: 64,
      costUsd: 0.00123,
      timeToFirstChunkS: 0.25,
      feature: 'support-chat',
      errorType: 'StreamInterruptedError',
    });
  });

  it('counts retry, breaker-open and fallback events, not breaker closes', () => {
    const record = recordOf({
      attributes: genAi('gemini-2.5-flash'),
      events: [
        { name: 'aiotel.retry', attributes: { 'aiotel.retry.reason': '500' } },
        { name: 'aiotel.retry', attributes: { 'aiotel.retry.reason': '500' } },
        {
          name: 'aiotel.circuit_breaker.state_change',
          attributes: { 'aiotel.circuit_breaker.state': 'open' },
        },
        {
          name: 'aiotel.circuit_breaker.state_change',
          attributes: { 'aiotel.circuit_breaker.state': 'closed' },
        },
        { name: 'aiotel.fallback' },
      ],
    });
    expect(record).toMatchObject({ retries: 2, breakerOpens: 1, fallbacks: 1 });
  });

  it('calls an error span without error.type _OTHER', () => {
    expect(recordOf({ attributes: genAi('m'), error: true })?.errorType).toBe('_OTHER');
  });
});

describe('summarize', () => {
  it('gives nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });

  it('groups by model in order of first call, with totals and cost per feature', () => {
    const recorder = new CallRecorder();
    const priced = (model: string, cost: number, feature: string) =>
      span({
        attributes: genAi(model, {
          'gen_ai.usage.input_tokens': 10,
          'gen_ai.usage.output_tokens': 5,
          'gen_ai.usage.cost.amount': cost,
          'app.feature': feature,
        }),
      });
    recorder.addOtlpTraces(exported(priced('b-model', 0.002, 'search')));
    recorder.addOtlpTraces(exported(priced('a-model', 0.001, 'chat')));
    recorder.addOtlpTraces(exported(priced('b-model', 0.004, 'chat')));
    recorder.addOtlpTraces(
      exported(span({ attributes: genAi('a-model', { 'error.type': '500' }), error: true })),
    );
    const summary = summarize(recorder.records);
    expect(summary.models.map((row) => [row.model, row.calls, row.errors])).toEqual([
      ['b-model', 2, 0],
      ['a-model', 2, 1],
    ]);
    expect(summary.models[1]?.errorsByType).toEqual({ '500': 1 });
    expect(summary.totals).toMatchObject({ calls: 4, errors: 1, inputTokens: 30, outputTokens: 15 });
    expect(summary.totals.costUsd).toBeCloseTo(0.007, 12);
    expect(summary.features.map((feature) => feature.feature)).toEqual(['chat', 'search', '(none)']);
    expect(summary.features[0]?.costUsd).toBeCloseTo(0.005, 12);
  });

  it('counts calls with usage but no cost as unpriced', () => {
    const recorder = new CallRecorder();
    recorder.addOtlpTraces(
      exported(span({ attributes: genAi('my-finetune', { 'gen_ai.usage.input_tokens': 10 }) })),
    );
    recorder.addOtlpTraces(exported(span({ attributes: genAi('my-finetune'), error: true })));
    expect(summarize(recorder.records).totals.unpricedCalls).toBe(1);
  });
});

describe('renderSummaryTable', () => {
  it('has a row per model, a TOTAL row, errors by type and the total cost with six decimals', () => {
    const recorder = new CallRecorder();
    recorder.addOtlpTraces(
      exported(
        span({
          attributes: genAi('gpt-4o-mini', {
            'gen_ai.usage.input_tokens': 1200,
            'gen_ai.usage.cost.amount': 0.0001234,
          }),
        }),
      ),
    );
    recorder.addOtlpTraces(
      exported(span({ attributes: genAi('gemini-2.5-flash', { 'error.type': '500' }), error: true })),
    );
    const table = renderSummaryTable(summarize(recorder.records));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(
      /^model\s+calls\s+errors\s+retries\s+breaker opens\s+p50 ms\s+p95 ms\s+first chunk p50 ms/,
    );
    expect(lines.some((line) => /^gpt-4o-mini\s+1\s+0\s/.test(line))).toBe(true);
    expect(lines.some((line) => /^gemini-2\.5-flash\s+1\s+1\s/.test(line))).toBe(true);
    expect(lines.some((line) => /^TOTAL\s+2\s+1\s.*1,200.*\$0\.000123$/.test(line))).toBe(true);
    expect(table).toContain('gemini-2.5-flash: 500 ×1');
    expect(table).toContain('total cost: $0.000123');
  });

  it('says 1 call, not 1 calls, in the cost per feature', () => {
    const recorder = new CallRecorder();
    const call = (feature: string) =>
      span({
        attributes: genAi('gpt-4o-mini', { 'app.feature': feature, 'gen_ai.usage.cost.amount': 0.001 }),
      });
    recorder.addOtlpTraces(exported(call('summarize'), call('summarize'), call('classify')));
    const table = renderSummaryTable(summarize(recorder.records));
    expect(table).toMatch(/^ {2}summarize +\$0\.002000 {2}\(2 calls\)$/m);
    expect(table).toMatch(/^ {2}classify +\$0\.001000 {2}\(1 call\)$/m);
    expect([countOf(0, 'call'), countOf(1, 'GenAI span'), countOf(1200, 'call')]).toEqual([
      '0 calls',
      '1 GenAI span',
      '1,200 calls',
    ]);
  });

  it('prints small costs with enough digits to be seen', () => {
    expect(formatUsd(0.012345)).toBe('$0.012345');
    expect(formatUsd(0.0000042)).toBe('$0.000004');
  });
});

describe('MetricTotals', () => {
  const histogram = (name: string, temporality: number, points: [Record<string, unknown>, number][]) => ({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                histogram: {
                  aggregationTemporality: temporality,
                  dataPoints: points.map(([attributes, sum]) => ({
                    attributes: keyValues(attributes),
                    sum,
                    count: 1,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  });

  it('keeps the latest cumulative value per stream, as a metrics backend does', () => {
    const totals = new MetricTotals();
    totals.addOtlpMetrics(
      histogram('aiotel.gen_ai.client.cost', 2, [[{ 'gen_ai.request.model': 'a' }, 0.001]]),
    );
    totals.addOtlpMetrics(
      histogram('aiotel.gen_ai.client.cost', 2, [
        [{ 'gen_ai.request.model': 'a' }, 0.003],
        [{ 'gen_ai.request.model': 'b' }, 0.002],
      ]),
    );
    expect(totals.total('aiotel.gen_ai.client.cost')).toBeCloseTo(0.005, 12);
    expect(totals.total('aiotel.resilience.retries')).toBeUndefined();
  });

  it('adds up delta points', () => {
    const totals = new MetricTotals();
    totals.addOtlpMetrics(histogram('cost', 1, [[{}, 0.001]]));
    totals.addOtlpMetrics(histogram('cost', 1, [[{}, 0.002]]));
    expect(totals.total('cost')).toBeCloseTo(0.003, 12);
  });

  it('reads counters per attribute value, int64 values included', () => {
    const totals = new MetricTotals();
    totals.addOtlpMetrics({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'aiotel.resilience.retries',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      { attributes: keyValues({ 'aiotel.retry.reason': '429' }), asInt: '3' },
                      { attributes: keyValues({ 'aiotel.retry.reason': '500' }), asInt: 10 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(metricFacts(totals).retriesByReason).toEqual({ '429': 3, '500': 10 });
  });
});

describe('renderSummaryTable for a model without prices', () => {
  it('says unpriced instead of a zero cost', () => {
    const recorder = new CallRecorder();
    recorder.addOtlpTraces(
      exported(span({ attributes: genAi('acme-ft', { 'gen_ai.usage.input_tokens': 9 }) })),
    );
    const table = renderSummaryTable(summarize(recorder.records));
    expect(table).toMatch(/^acme-ft\s.*\sunpriced$/m);
    expect(table).toContain('calls without a price (cost not counted):\n  acme-ft: 1');
  });
});

describe('errorName', () => {
  it("names an API error by its HTTP status, as the span's error.type does, and other errors by their class", () => {
    const serverError = OpenAI.APIError.generate(500, { message: 'boom' }, 'boom', new Headers());
    expect(serverError.constructor.name).toBe('InternalServerError');
    expect(errorName(serverError)).toBe('500');
    expect(errorName(OpenAI.APIError.generate(429, undefined, 'slow down', new Headers()))).toBe('429');
    class CircuitOpenError extends Error {}
    expect(errorName(new CircuitOpenError('open'))).toBe('CircuitOpenError');
    expect(errorName(new Error('plain'))).toBe('Error');
    expect(errorName('a string')).toBe('string');
  });
});
