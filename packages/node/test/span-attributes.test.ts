import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanLimits,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { useFastSpanAttributes } from '../src/span-attributes.js';

/** What a scenario leaves: the exported attributes in their order, the drops, and the SDK's warnings. */
interface Outcome {
  attributes: [string, unknown][];
  dropped: number;
  warnings: string[];
}

const warnings: string[] = [];
const logger: DiagLogger = {
  error: (message) => warnings.push(`error ${message}`),
  // The ended-span warning names the span's ids, which differ from run to run.
  warn: (message) => warnings.push(`warn ${message.replace(/[0-9a-f]{16,32}/g, 'ID')}`),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
diag.setLogger(logger, DiagLogLevel.WARN);
afterAll(() => diag.disable());

const bytes = new Uint8Array([1, 2, 3]);
const symbol = Symbol('s');

/** Every kind of value and call the SDK treats differently, on one span. */
function scenario(limits: SpanLimits): Outcome {
  warnings.length = 0;
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanLimits: limits,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const span = provider.getTracer('t').startSpan('s', { attributes: { 'at.start': 'x', 'start.number': 1 } });
  span.setAttribute('string', 'value');
  span.setAttribute('long.string', 'a value longer than eight');
  span.setAttribute('empty.string', '');
  span.setAttribute('number', 42);
  span.setAttribute('zero', 0);
  span.setAttribute('nan', Number.NaN);
  span.setAttribute('infinity', Number.NEGATIVE_INFINITY);
  span.setAttribute('boolean', false);
  span.setAttribute('at.start', 'overwritten with another type: 7');
  span.setAttribute('number', 'now a string');
  span.setAttribute('', 'empty key');
  span.setAttribute('undefined', undefined as unknown as string);
  span.setAttribute('null', null as unknown as string);
  span.setAttribute('array', ['a', 'b', 1]);
  span.setAttribute('strings', ['stop', 'length']);
  span.setAttribute('long.strings', ['short', 'a value longer than eight']);
  span.setAttribute('numbers', [1, 2.5, Number.NaN]);
  span.setAttribute('booleans', [true, false]);
  span.setAttribute('empty.array', []);
  // biome-ignore lint/suspicious/noSparseArray: a hole is what the SDK skips in its check and the fast path refuses.
  span.setAttribute('holey.array', [, 'x'] as unknown as string[]);
  span.setAttribute('array.with.null', ['a', null] as unknown as string[]);
  span.setAttribute('array.with.undefined', ['a', undefined] as unknown as string[]);
  span.setAttribute('nested.array', [['a']] as unknown as string[]);
  span.setAttribute('array.with.object', [{ a: 1 }] as unknown as string[]);
  // The SDK stores a copy: the caller's array changed afterwards leaves the span's as it was.
  const mutable = ['before'];
  span.setAttribute('copied.array', mutable);
  mutable[0] = 'after';
  span.setAttribute('object', { nested: 'yes' } as unknown as string);
  span.setAttribute('bytes', bytes as unknown as string);
  span.setAttribute('function', (() => 1) as unknown as string);
  span.setAttribute('symbol', symbol as unknown as string);
  span.setAttribute(7 as unknown as string, 'a number as key');
  span.setAttributes({ 'many.1': 'a', 'many.2': 2, 'many.3': true, 'many.4': undefined });
  for (let i = 0; i < 8; i++) span.setAttribute(`filler.${i}`, i);
  span.setAttribute('string', 'overwritten when full');
  span.end();
  span.setAttribute('after.end', 'ignored');
  const [exported] = exporter.getFinishedSpans();
  if (!exported) throw new Error('the span was not exported');
  return {
    attributes: Object.entries(exported.attributes),
    dropped: exported.droppedAttributesCount,
    warnings: [...warnings],
  };
}

const LIMITS: Record<string, SpanLimits> = {
  defaults: {},
  'a count limit the scenario reaches': { attributeCountLimit: 20 },
  'a value length limit of 8': { attributeValueLengthLimit: 8 },
  'a value length limit of 0 (the SDK warns and ignores it)': { attributeValueLengthLimit: 0 },
};

describe('fast span attributes', () => {
  // Run with the SDK's own method first, then with the fast path installed over it.
  const sdk = Object.fromEntries(Object.entries(LIMITS).map(([name, limits]) => [name, scenario(limits)]));
  const installed = useFastSpanAttributes(emptyResource());

  it('is installed on the pinned SDK (an SDK whose span is shaped otherwise fails here: revisit the fast path)', () => {
    expect(installed).toBe(true);
    expect(useFastSpanAttributes(emptyResource())).toBe(true);
  });

  for (const [name, limits] of Object.entries(LIMITS)) {
    it(`leaves the same attributes, drops and warnings as the SDK with ${name}`, () => {
      const fast = scenario(limits);
      expect(fast).toEqual(sdk[name]);
      // The scenario is not empty: values were set, and some were refused.
      expect(fast.attributes.length).toBeGreaterThan(10);
      expect(fast.warnings.length).toBeGreaterThan(0);
    });
  }

  it('the scenario reaches the count limit and truncates (what the comparisons above cover)', () => {
    expect(sdk['a count limit the scenario reaches']?.dropped).toBeGreaterThan(0);
    expect(sdk['a value length limit of 8']?.attributes).toContainEqual(['long.string', 'a value ']);
    expect(sdk['a value length limit of 8']?.attributes).toContainEqual([
      'long.strings',
      ['short', 'a value '],
    ]);
    expect(sdk.defaults?.attributes).toContainEqual(['copied.array', ['before']]);
  });

  it("takes an array of strings, numbers and booleans without the SDK's check, and anything else through it", () => {
    // The SDK's check (`isAnyValue`) makes a WeakSet per value: count them while attributes are set.
    const RealWeakSet = globalThis.WeakSet;
    let made = 0;
    globalThis.WeakSet = class CountedWeakSet<T extends WeakKey> extends RealWeakSet<T> {
      constructor() {
        super();
        made++;
      }
    };
    try {
      const span = new TracerProvider().getTracer('t').startSpan('s');
      span.setAttribute('gen_ai.response.finish_reasons', ['stop']);
      span.setAttribute('mixed', ['a', 1, true]);
      expect(made).toBe(0);
      span.setAttribute('nested', [['a']] as unknown as string[]);
      expect(made).toBeGreaterThan(0);
      span.end();
    } finally {
      globalThis.WeakSet = RealWeakSet;
    }
  });
});
