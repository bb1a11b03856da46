import {
  type Attributes,
  context,
  type Link,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  JsonTraceSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  type ReadableSpan,
  type SpanProcessor,
  TracerProvider,
  type TracerProviderOptions,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { SpanJsonSerializer } from '../src/span-json.js';
import { SpanProtobufSerializer } from '../src/span-protobuf.js';

type Serializer = ISerializer<ReadableSpan[], IExportTraceServiceResponse>;

/** Each of the preload's span encoders beside the upstream one whose bytes it must write. */
const ENCODINGS = [
  {
    encoding: 'protobuf',
    ours: 'SpanProtobufSerializer',
    upstreamName: 'ProtobufTraceSerializer',
    make: (): Serializer => new SpanProtobufSerializer(),
    upstream: ProtobufTraceSerializer as Serializer,
    // ExportTraceServiceResponse { partial_success { rejected_spans: 3, error_message: "x" } }
    response: new Uint8Array([0x0a, 0x05, 0x08, 0x03, 0x12, 0x01, 0x78]),
  },
  {
    encoding: 'JSON',
    ours: 'SpanJsonSerializer',
    upstreamName: 'JsonTraceSerializer',
    make: (): Serializer => new SpanJsonSerializer(),
    upstream: JsonTraceSerializer as Serializer,
    response: new TextEncoder().encode('{"partialSuccess":{"rejectedSpans":3,"errorMessage":"x"}}'),
  },
];

/** A tracer provider of the real SDK whose ended spans are collected, as the preload's batch processor gets them. */
function recorder(config: TracerProviderOptions = {}): { provider: TracerProvider; ended: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart() {},
    onEnd: (span) => void ended.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  return {
    provider: new TracerProvider({ sampler: new AlwaysOnSampler(), ...config, spanProcessors: [collect] }),
    ended,
  };
}

/** An SDK span with some fields replaced: for values the SDK would not let through but an exporter may be given. */
function altered(span: ReadableSpan, fields: Partial<ReadableSpan>): ReadableSpan {
  return Object.assign(Object.create(span) as ReadableSpan, fields);
}

/** Where two encodings first differ, or "identical" (a readable failure, even for megabytes). */
function difference(actual: Uint8Array, expected: Uint8Array): string {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      const around = (b: Uint8Array) => Buffer.from(b.subarray(Math.max(0, i - 8), i + 8)).toString('hex');
      return `byte ${i} of ${actual.length} (upstream ${expected.length}): ${around(actual)} vs upstream ${around(expected)}`;
    }
  }
  return actual.length === expected.length
    ? 'identical'
    : `lengths ${actual.length} vs upstream ${expected.length}`;
}

const REMOTE: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
  isRemote: true,
  traceState: new TraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
};

describe.each(ENCODINGS)('$ours encodes spans as upstream $upstreamName does', (codec) => {
  /** Encodes the spans with ours and upstream's serializer and expects the same bytes; returns ours. */
  function expectUpstreamBytes(spans: ReadableSpan[], serializer = codec.make()): Uint8Array {
    const expected = codec.upstream.serializeRequest(spans);
    const actual = serializer.serializeRequest(spans) as Uint8Array;
    expect(expected).toBeInstanceOf(Uint8Array);
    expect(difference(actual, expected as Uint8Array)).toBe('identical');
    return actual;
  }

  it('encodes a GenAI span and its HTTP attempt span', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('@aiotel/instrumentation-openai', '0.1.0');
    const span = tracer.startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'server.port': 4000,
      },
    });
    tracer
      .startSpan(
        'POST',
        { attributes: { 'http.response.status_code': 200 } },
        trace.setSpan(context.active(), span),
      )
      .end();
    span.setAttributes({ 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.cost.amount': 0.0000066 });
    span.setAttribute('gen_ai.response.finish_reasons', ['stop']);
    span.end();
    expect(expectUpstreamBytes(ended).length).toBeGreaterThan(200);
  });

  it('encodes every attribute value type: strings, booleans, ints, doubles, arrays, maps, bytes', () => {
    const { provider, ended } = recorder();
    const attributes: Attributes = {
      ascii: 'chat',
      empty: '',
      accented: 'café crème',
      cjk: '模型の応答',
      emoji: 'ok 👍🏽 done',
      lone_surrogate: 'a\ud800b',
      trailing_surrogate: 'z\udfff',
      quoted: 'say "hi"',
      backslash: 'C:\\models\\gpt',
      json_escapes: 'say "hi"\\ to\n the\tmodel\r\b\f',
      control: '\u0000\u0001\u001f',
      newline: 'two\nlines',
      delete: 'DEL \u007f',
      line_separators: 'a\u2028b\u2029c',
      html: '</script><!-- & -->',
      long_escaped: `${'q'.repeat(300)}"${'\\'.repeat(10)}`,
      long_ascii: 'a'.repeat(257),
      yes: true,
      no: false,
      zero: 0,
      negative_zero: -0,
      minus_one: -1,
      int32_edge: 2 ** 31,
      below_int32: -(2 ** 31) - 1,
      uint32_max: 2 ** 32 - 1,
      beyond_uint32: 2 ** 32 + 5,
      beyond_2_53: 2 ** 53 + 2,
      below_minus_2_53: -(2 ** 53) - 2,
      largest_int64_double: 2 ** 63 - 1024,
      int64_min: -(2 ** 63),
      two_to_63: 2 ** 63,
      huge: 1e300,
      tenth: 0.1,
      negative_fraction: -2.5,
      not_a_number: Number.NaN,
      infinity: Number.POSITIVE_INFINITY,
      minus_infinity: Number.NEGATIVE_INFINITY,
      strings: ['stop', 'length', ''],
      numbers: [1, 2.5, -3, 2 ** 40],
      booleans: [true, false],
      empty_array: [],
      with_nulls: ['a', null, 'b'],
    };
    const span = provider.getTracer('t').startSpan('values', { attributes });
    span.setAttribute('mixed', [1, 'two', true, 3.5, null] as never);
    span.setAttribute('nested_arrays', [[1, 2], ['a'], []] as never);
    span.setAttribute('map', { a: 1, b: { c: 'd', e: [true] }, f: 'é' } as never);
    span.setAttribute('empty_map', {} as never);
    span.setAttribute('bytes', new Uint8Array([0, 1, 255, 128]) as never);
    span.setAttribute('empty_bytes', new Uint8Array(0) as never);
    span.end();
    // The SDK kept every value: the encoding below covers them all.
    expect(Object.keys(ended[0]!.attributes)).toHaveLength(Object.keys(attributes).length + 6);
    expectUpstreamBytes(ended);
  });

  it('encodes null, undefined and unsupported values as upstream does (an empty value)', () => {
    const { provider, ended } = recorder();
    provider.getTracer('t').startSpan('odd values').end();
    const odd = { nothing: null, missing: undefined, big: 10n, call: () => 1, date: new Date(0) } as never;
    expectUpstreamBytes([altered(ended[0]!, { attributes: odd })]);
  });

  it('encodes events with and without attributes, and dropped events and event attributes', () => {
    const { provider, ended } = recorder({
      spanLimits: { eventCountLimit: 3, attributePerEventCountLimit: 2 },
    });
    const span = provider.getTracer('t').startSpan('events');
    span.addEvent('bare');
    span.addEvent('first', { a: 'x' });
    span.addEvent('with attributes', { 'exception.type': 'Error', 'exception.message': 'boom', extra: 1 });
    span.addEvent('timed', { n: 1.5 }, [1_700_000_000, 123_456_789]);
    span.end();
    expect(ended[0]!.droppedEventsCount).toBe(1);
    expect(ended[0]!.events.some((event) => event.droppedAttributesCount)).toBe(true);
    expectUpstreamBytes(ended);
  });

  it('encodes links with attributes, trace state, remote flag and dropped links', () => {
    const { provider, ended } = recorder({
      spanLimits: { linkCountLimit: 2, attributePerLinkCountLimit: 1 },
    });
    const local = provider.getTracer('t').startSpan('local');
    local.end();
    const links: Link[] = [
      { context: REMOTE },
      { context: REMOTE, attributes: { kept: 'yes', dropped: 'no' } },
      { context: { ...local.spanContext(), traceFlags: 0 }, attributes: { n: 1 } },
    ];
    provider.getTracer('t').startSpan('linked', { links }).end();
    expect(ended[1]!.droppedLinksCount).toBe(1);
    expectUpstreamBytes(ended);
  });

  it('encodes status unset, OK and ERROR with and without a message', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    tracer.startSpan('unset').end();
    for (const status of [
      { code: SpanStatusCode.OK },
      { code: SpanStatusCode.ERROR },
      { code: SpanStatusCode.ERROR, message: 'rate limited: 429' },
    ]) {
      const span = tracer.startSpan(`status ${status.code}`);
      span.setStatus(status);
      span.end();
    }
    expectUpstreamBytes(ended);
  });

  it('encodes every span kind', () => {
    const { provider, ended } = recorder();
    for (const kind of [
      SpanKind.INTERNAL,
      SpanKind.SERVER,
      SpanKind.CLIENT,
      SpanKind.PRODUCER,
      SpanKind.CONSUMER,
    ]) {
      provider.getTracer('t').startSpan(`kind ${kind}`, { kind }).end();
    }
    expectUpstreamBytes(ended);
  });

  it('encodes root spans, local and remote parents, trace state and trace flags', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    const root = tracer.startSpan('root');
    tracer.startSpan('local child', {}, trace.setSpan(context.active(), root)).end();
    root.end();
    tracer.startSpan('remote child', {}, trace.setSpanContext(context.active(), REMOTE)).end();
    const unsampled = altered(ended[0]!, {
      spanContext: () => ({ ...ended[0]!.spanContext(), traceFlags: 0 }),
    });
    const upperHex = altered(ended[0]!, {
      spanContext: () => ({ ...ended[0]!.spanContext(), traceId: 'ABCDEF0123456789ABCDEF0123456789' }),
    });
    expect(ended[2]!.parentSpanContext?.isRemote).toBe(true);
    expect(ended[2]!.spanContext().traceState?.serialize()).toContain('congo');
    expectUpstreamBytes([...ended, unsampled, upperHex]);
  });

  it('encodes timestamps exactly, beyond 2^53 nanoseconds', () => {
    const { provider, ended } = recorder();
    provider
      .getTracer('t')
      .startSpan('epoch', { startTime: [0, 0] })
      .end([0, 1]);
    provider
      .getTracer('t')
      .startSpan('2100', { startTime: [4_102_444_800, 123_456_789] })
      .end([4_102_444_801, 999_999_999]);
    provider
      .getTracer('t')
      .startSpan('nanoseconds to pad', { startTime: [1_700_000_000, 5] })
      .end([1_700_000_000, 120_000]);
    provider.getTracer('t').startSpan('now').end();
    expectUpstreamBytes(ended);
  });

  it('groups several resources and scopes in one batch in first-seen order, with schema URLs', () => {
    const a = recorder({
      resource: resourceFromAttributes(
        { 'service.name': 'a', 'deployment.environment.name': 'prod', 'host.cpus': 2 },
        { schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' },
      ),
    });
    const b = recorder({ resource: resourceFromAttributes({ 'service.name': 'b' }) });
    const spans: ReadableSpan[] = [];
    const tracers = [
      a.provider.getTracer('openai', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.36.0' }),
      b.provider.getTracer('openai'),
      a.provider.getTracer('http'),
      b.provider.getTracer('http', '2.0.0'),
    ];
    for (let i = 0; i < 12; i++) {
      const tracer = tracers[(i * 3) % tracers.length]!;
      tracer.startSpan(`span ${i}`).end();
      spans.push(...a.ended.splice(0), ...b.ended.splice(0));
    }
    expectUpstreamBytes(spans);
  });

  it('encodes two equal scopes that are different objects as upstream does', () => {
    const { provider, ended } = recorder();
    provider.getTracer('t').startSpan('scoped').end();
    const spans = [
      altered(ended[0]!, { instrumentationScope: { name: 'openai', version: '1' } }),
      altered(ended[0]!, { instrumentationScope: { name: 'openai', version: '1' } }),
      altered(ended[0]!, { instrumentationScope: { name: 'openai', version: '1', schemaUrl: '' } }),
      altered(ended[0]!, { instrumentationScope: { name: 'openai' } }),
      altered(ended[0]!, { instrumentationScope: { name: 'openai', version: '' } }),
    ];
    expectUpstreamBytes(spans);
  });

  it('encodes scope attributes and dropped scope attributes', () => {
    const { provider, ended } = recorder();
    provider.getTracer('t').startSpan('scoped').end();
    const scope = {
      name: 'scoped',
      version: '1',
      attributes: { 'scope.kind': 'genai' },
      droppedAttributesCount: 2,
    };
    const bare = { name: '' };
    expectUpstreamBytes([
      altered(ended[0]!, { instrumentationScope: scope }),
      altered(ended[0]!, { instrumentationScope: bare }),
    ]);
  });

  it('encodes a resource whose async attributes settled after its first export', async () => {
    const resource = resourceFromAttributes({ 'service.name': 'late', 'host.id': Promise.resolve('h-1') });
    const { provider, ended } = recorder({ resource });
    provider.getTracer('t').startSpan('before').end();
    const serializer = codec.make();
    expectUpstreamBytes(ended, serializer);
    await resource.waitForAsyncAttributes?.();
    const after = expectUpstreamBytes(ended, serializer);
    expect(Buffer.from(after).includes('h-1')).toBe(true);
  });

  it('encodes a name or message that is not a string as an empty one, and survives a missing one', () => {
    const { provider, ended } = recorder();
    provider.getTracer('t').startSpan('named').end();
    const numbered = altered(ended[0]!, {
      name: 42 as never,
      status: { code: SpanStatusCode.ERROR, message: true as never },
    });
    // Upstream's protobuf 0.301.0 wrote these as empty strings; 0.301.2 throws (Buffer.byteLength of a number) and
    // the whole batch is lost. Upstream's JSON writes `"name":42`, which a collector refuses with the batch. Ours
    // writes them empty, both encodings.
    if (codec.encoding === 'protobuf') {
      expect(() => codec.upstream.serializeRequest([numbered])).toThrow(TypeError);
    } else {
      expect(new TextDecoder().decode(codec.upstream.serializeRequest([numbered]))).toContain('"name":42');
    }
    const blank = altered(ended[0]!, { name: '', status: { code: SpanStatusCode.ERROR } });
    expect(
      difference(
        codec.make().serializeRequest([numbered]) as Uint8Array,
        codec.upstream.serializeRequest([blank]) as Uint8Array,
      ),
    ).toBe('identical');
    // Upstream's protobuf throws on a null name too, its JSON writes `null`; ours sends it with an empty name.
    const nameless = codec
      .make()
      .serializeRequest([altered(ended[0]!, { name: null as never })]) as Uint8Array;
    const emptyName = codec.upstream.serializeRequest([altered(ended[0]!, { name: '' })]) as Uint8Array;
    expect(difference(nameless, emptyName)).toBe('identical');
  });

  it('encodes an empty batch as an empty request', () => {
    expect(expectUpstreamBytes([])).toHaveLength(
      codec.encoding === 'protobuf' ? 0 : '{"resourceSpans":[]}'.length,
    );
  });

  it('encodes dropped attribute counts', () => {
    const { provider, ended } = recorder({ spanLimits: { attributeCountLimit: 2 } });
    provider
      .getTracer('t')
      .startSpan('limited', { attributes: { a: 1, b: 2, c: 3, d: 4 } })
      .end();
    expect(ended[0]!.droppedAttributesCount).toBe(2);
    expectUpstreamBytes(ended);
  });

  it('encodes strings and messages whose lengths take two and three bytes', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t'.repeat(300), 'v'.repeat(128));
    for (const length of [127, 128, 16_383, 16_384, 70_000]) {
      tracer.startSpan('n'.repeat(length), { attributes: { ascii: 'a'.repeat(length) } }).end();
      tracer
        .startSpan('unicode', {
          attributes: { accented: 'é'.repeat(length), emoji: '👍'.repeat(length / 4) },
        })
        .end();
      // Twice: a key too long to keep is encoded again each time.
      for (let i = 0; i < 2; i++) tracer.startSpan('key', { attributes: { ['k'.repeat(length)]: i } }).end();
    }
    const span = tracer.startSpan('long status');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'm'.repeat(200) });
    span.end();
    expectUpstreamBytes(ended);
  });

  it('grows its buffer for a large batch', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 3000; i++) {
      tracer
        .startSpan(`chat ${i}`, { attributes: { 'gen_ai.response.id': `chatcmpl-${i}`, i, x: i / 7 } })
        .end();
    }
    expect(expectUpstreamBytes(ended).length).toBeGreaterThan(256 * 1024);
  });

  it('encodes the batch after one larger than the buffer it keeps (4 MiB)', () => {
    const { provider, ended } = recorder();
    const serializer = codec.make();
    provider
      .getTracer('t')
      .startSpan('huge', { attributes: { body: 'x'.repeat(5 * 1024 * 1024) } })
      .end();
    expect(expectUpstreamBytes(ended.splice(0), serializer).length).toBeGreaterThan(5 * 1024 * 1024);
    provider
      .getTracer('t')
      .startSpan('small', { attributes: { body: 'y' } })
      .end();
    expectUpstreamBytes(ended, serializer);
  });

  it('keeps an earlier result intact when the buffer is reused', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    tracer.startSpan('first', { attributes: { a: 'one' } }).end();
    const first = ended.splice(0);
    tracer.startSpan('second', { attributes: { b: 'two' } }).end();
    const serializer = codec.make();
    const firstBytes = serializer.serializeRequest(first) as Uint8Array;
    const firstCopy = Buffer.from(firstBytes);
    expectUpstreamBytes(ended, serializer);
    expect(Buffer.compare(firstBytes, firstCopy)).toBe(0);
    expect(difference(firstBytes, codec.upstream.serializeRequest(first) as Uint8Array)).toBe('identical');
  });

  it('writes a later request in the memory of one given back, and only in that', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    const batch = (name: string): ReadableSpan[] => {
      tracer.startSpan(name, { attributes: { 'gen_ai.request.model': name } }).end();
      return ended.splice(0);
    };
    const serializer = codec.make() as Serializer & { release(data: Uint8Array): void };
    const first = expectUpstreamBytes(batch('first'), serializer);
    const secondSpans = batch('second');
    const second = expectUpstreamBytes(secondSpans, serializer);
    expect(second.buffer).not.toBe(first.buffer);
    serializer.release(first);
    serializer.release(first); // twice: the second time is ignored
    serializer.release(new Uint8Array(8)); // not bytes it wrote: ignored
    const third = expectUpstreamBytes(batch('third'), serializer);
    expect(third.buffer).toBe(first.buffer);
    // The second request, still out, was not written over.
    expect(difference(second, codec.upstream.serializeRequest(secondSpans) as Uint8Array)).toBe('identical');
    const fourth = expectUpstreamBytes(batch('fourth'), serializer);
    expect([first.buffer, second.buffer]).not.toContain(fourth.buffer);
    // Given back before the next request: written in again.
    serializer.release(fourth);
    expect(expectUpstreamBytes(batch('fifth'), serializer).buffer).toBe(fourth.buffer);
  });

  it('encodes a value that repeats under a key, then changes, as upstream does (kept KeyValues stay right)', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    const values = [
      1,
      1,
      '1',
      '1',
      true,
      true,
      1,
      0,
      -0,
      0,
      Number.NaN,
      Number.NaN,
      2.5,
      2.5,
      'chat',
      'chat',
      'chats',
    ];
    for (const value of [...values, 'l'.repeat(65), 'l'.repeat(65), 'l'.repeat(66)]) {
      tracer.startSpan('repeat', { attributes: { 'gen_ai.operation.name': value, other: 'x' } }).end();
      tracer.startSpan('event').addEvent('e', { 'gen_ai.operation.name': value }).end();
    }
    expectUpstreamBytes(ended);
  });

  it('encodes an array or map again when the same object changed between batches', () => {
    const { provider, ended } = recorder();
    provider.getTracer('t').startSpan('shared').end();
    const reasons = ['stop'];
    const map = { a: 1 };
    const withShared = () => altered(ended[0]!, { attributes: { reasons, map } as never });
    const serializer = codec.make();
    expectUpstreamBytes([withShared(), withShared()], serializer);
    reasons.push('length');
    map.a = 2;
    expectUpstreamBytes([withShared()], serializer);
  });

  it('encodes many distinct attribute keys (more than its key cache holds) over several batches', () => {
    const { provider, ended } = recorder();
    const tracer = provider.getTracer('t');
    const serializer = codec.make();
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 600; i++) {
        tracer
          .startSpan('keys', { attributes: { [`key.${i}`]: i, [`key.${batch}.${i}`]: 'v', shared: 'é' } })
          .end();
      }
      expectUpstreamBytes(ended.splice(0), serializer);
    }
  });

  it('reads collector responses with upstream', () => {
    const serializer = codec.make();
    const response = codec.response;
    expect(serializer.deserializeResponse(response)).toEqual(codec.upstream.deserializeResponse(response));
    expect(serializer.deserializeResponse(response).partialSuccess?.rejectedSpans).toBe(3);
  });
});
