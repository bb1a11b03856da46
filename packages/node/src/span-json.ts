import type { Link, SpanContext } from '@opentelemetry/api';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  JsonTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { JsonWriter, literal } from './json-writer.js';
import {
  KEEP_BUFFER_BYTES,
  KeyCache,
  type Resource,
  remember,
  replay,
  type Scope,
  spanFlags,
} from './span-encoding.js';

const NANOS_PER_SECOND = 1_000_000_000;
const BIG_NANOS_PER_SECOND = BigInt(NANOS_PER_SECOND);
/** Zeros to left-pad the nanoseconds of an hrtime to nine digits. */
const ZEROS = '000000000';
const COMMA = 0x2c;
const QUOTE = 0x22;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

// The fixed parts of the request, in upstream's member order (its object literals, as JSON.stringify walks them).
const REQUEST_START = literal('{"resourceSpans":[');
const REQUEST_END = literal(']}');
const RESOURCE_SPANS_START = literal('{"resource":');
const SCOPE_SPANS = literal(',"scopeSpans":[');
const SCOPE_START = literal('{"scope":');
const SPANS = literal(',"spans":[');
const ZERO_DROPPED = literal(',"droppedAttributesCount":0');
const SCHEMA_URL = literal(',"schemaUrl":');
const NAME_START = literal('{"name":');
const VERSION = literal(',"version":');
const ATTRIBUTES = literal(',"attributes":');
const DROPPED_ATTRIBUTES = literal(',"droppedAttributesCount":');
const TRACE_ID_START = literal('{"traceId":');
const SPAN_ID = literal(',"spanId":');
const PARENT_SPAN_ID = literal(',"parentSpanId":');
const TRACE_STATE = literal(',"traceState":');
const NAME = literal(',"name":');
const KIND = literal(',"kind":');
const START_TIME = literal(',"startTimeUnixNano":"');
const END_TIME = literal('","endTimeUnixNano":"');
const ATTRIBUTES_AFTER_TIME = literal('","attributes":');
const EVENTS = literal(',"events":[');
const DROPPED_EVENTS = literal('],"droppedEventsCount":');
const STATUS_CODE = literal(',"status":{"code":');
const MESSAGE = literal(',"message":');
const LINKS = literal('},"links":[');
const DROPPED_LINKS = literal('],"droppedLinksCount":');
const FLAGS = literal(',"flags":');
const ATTRIBUTES_START = literal('{"attributes":');
const TIME = literal(',"timeUnixNano":"');
const DROPPED_ATTRIBUTES_AFTER_TIME = literal('","droppedAttributesCount":');
const TRACE_ID = literal(',"traceId":');
const EMPTY_ARRAY = literal('[]');
const EMPTY_NAME = literal('""');
const KEY_START = literal('{"key":');
const VALUE = literal(',"value":');
const STRING_VALUE = literal('{"stringValue":');
const INT_VALUE = literal('{"intValue":');
const DOUBLE_VALUE = literal('{"doubleValue":');
const TRUE_VALUE = literal('{"boolValue":true}');
const FALSE_VALUE = literal('{"boolValue":false}');
const BYTES_VALUE = literal('{"bytesValue":"');
const ARRAY_VALUE = literal('{"arrayValue":{"values":[');
const KVLIST_VALUE = literal('{"kvlistValue":{"values":');
const EMPTY_VALUE = literal('{}');
const END_ARRAY_VALUE = literal(']}}');
const END_KVLIST_VALUE = literal('}}');

/**
 * Encodes spans as an OTLP ExportTraceServiceRequest in JSON, byte for byte what `JsonTraceSerializer` of
 * `@opentelemetry/otlp-transformer` 0.301 writes (its object tree through `JSON.stringify` and `TextEncoder`), in one
 * pass into a reused buffer: no intermediate objects or strings, resource and scope headers and attribute keys encoded
 * once, a repeated short value's KeyValue kept, timestamps without BigInt. The encoder of
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json`. One deviation, on spans the SDK does not make: a span's or scope's
 * name that is not a string is written as `""` and a status message that is not a string is left out (upstream writes
 * whatever JSON makes of them, a number or nothing, which a collector refuses along with the whole batch), as
 * `SpanProtobufSerializer` does. The response is read by upstream's.
 */
export class SpanJsonSerializer implements ISerializer<ReadableSpan[], IExportTraceServiceResponse> {
  readonly #writer = new JsonWriter();
  readonly #keys = new KeyCache((key) => literal(`{"key":${JSON.stringify(key)},"value":`));
  readonly #resources = new WeakMap<Resource, Uint8Array>();
  readonly #scopes = new WeakMap<Scope, Uint8Array>();

  serializeRequest(spans: ReadableSpan[]): Uint8Array {
    const w = this.#writer;
    w.reset(KEEP_BUFFER_BYTES);
    w.raw(REQUEST_START);
    let firstResource = true;
    for (const [resource, scopes] of groupByResourceAndScope(spans)) {
      if (!firstResource) w.byte(COMMA);
      firstResource = false;
      w.raw(RESOURCE_SPANS_START);
      this.#resource(resource);
      w.raw(SCOPE_SPANS);
      let firstScope = true;
      for (const scopeSpans of scopes.values()) {
        if (!firstScope) w.byte(COMMA);
        firstScope = false;
        const scope = scopeSpans[0]!.instrumentationScope as Scope;
        w.raw(SCOPE_START);
        this.#scope(scope);
        w.raw(SPANS);
        for (let i = 0; i < scopeSpans.length; i++) {
          if (i > 0) w.byte(COMMA);
          this.#span(scopeSpans[i]!);
        }
        w.byte(CLOSE_ARRAY);
        // Upstream's `schemaUrl: scope.schemaUrl`: left out only when undefined.
        if (scope.schemaUrl !== undefined) {
          w.raw(SCHEMA_URL);
          this.#json(scope.schemaUrl);
        }
        w.byte(CLOSE_OBJECT);
      }
      w.byte(CLOSE_ARRAY);
      if (resource.schemaUrl) {
        w.raw(SCHEMA_URL);
        this.#json(resource.schemaUrl);
      }
      w.byte(CLOSE_OBJECT);
    }
    w.raw(REQUEST_END);
    return w.lend();
  }

  /**
   * Gives back the bytes of a request `serializeRequest` returned, once they are sent (or given up on), so that a later
   * request is written in their memory; until then each request has its own.
   */
  release(data: Uint8Array): void {
    this.#writer.giveBack(data);
  }

  deserializeResponse(data: Uint8Array): IExportTraceServiceResponse {
    return JsonTraceSerializer.deserializeResponse(data);
  }

  /** A value as `JSON.stringify` writes it (strings the common case). */
  #json(value: unknown): void {
    if (typeof value === 'string') this.#writer.string(value);
    else this.#writer.utf8(JSON.stringify(value) ?? 'null');
  }

  /** The Resource object, encoded once per resource whose attributes are settled. */
  #resource(resource: Resource): void {
    if (replay(this.#writer, this.#resources, resource)) return;
    const w = this.#writer;
    const from = w.pos;
    w.raw(ATTRIBUTES_START);
    this.#attributes(resource.attributes);
    w.raw(ZERO_DROPPED);
    if (resource.schemaUrl) {
      w.raw(SCHEMA_URL);
      this.#json(resource.schemaUrl);
    }
    w.byte(CLOSE_OBJECT);
    if (!resource.asyncAttributesPending) this.#resources.set(resource, w.copy(from));
  }

  /** The InstrumentationScope object, encoded once per scope. */
  #scope(scope: Scope): void {
    if (replay(this.#writer, this.#scopes, scope)) return;
    const w = this.#writer;
    const from = w.pos;
    w.raw(NAME_START);
    this.#name(scope.name);
    if (scope.version !== undefined) {
      w.raw(VERSION);
      this.#json(scope.version);
    }
    if (scope.attributes && Object.keys(scope.attributes).length > 0) {
      w.raw(ATTRIBUTES);
      this.#attributes(scope.attributes);
      w.raw(DROPPED_ATTRIBUTES);
      this.#number(scope.droppedAttributesCount ?? 0);
    }
    w.byte(CLOSE_OBJECT);
    this.#scopes.set(scope, w.copy(from));
  }

  /** A span's or scope's name: `""` for one that is not a string (see the class). */
  #name(name: unknown): void {
    if (typeof name === 'string') this.#writer.string(name);
    else this.#writer.raw(EMPTY_NAME);
  }

  /** A number member as `JSON.stringify` writes it; anything else the SDK would not put there, through it. */
  #number(value: unknown): void {
    if (typeof value === 'number') this.#writer.number(value);
    else this.#json(value);
  }

  #span(span: ReadableSpan): void {
    const w = this.#writer;
    const ctx = span.spanContext();
    const parent = span.parentSpanContext;
    w.raw(TRACE_ID_START);
    this.#json(ctx.traceId);
    w.raw(SPAN_ID);
    this.#json(ctx.spanId);
    if (parent?.spanId) {
      w.raw(PARENT_SPAN_ID);
      this.#json(parent.spanId);
    }
    this.#traceState(ctx);
    w.raw(NAME);
    this.#name(span.name);
    w.raw(KIND);
    // OTLP's SpanKind is the API's plus one (0 is UNSPECIFIED).
    this.#number(span.kind == null ? 0 : span.kind + 1);
    w.raw(START_TIME);
    nanos(w, span.startTime);
    w.raw(END_TIME);
    nanos(w, span.endTime);
    w.raw(ATTRIBUTES_AFTER_TIME);
    this.#attributes(span.attributes);
    w.raw(DROPPED_ATTRIBUTES);
    this.#number(span.droppedAttributesCount);
    w.raw(EVENTS);
    const events = span.events;
    for (let i = 0; i < events.length; i++) {
      if (i > 0) w.byte(COMMA);
      this.#event(events[i]!);
    }
    w.raw(DROPPED_EVENTS);
    this.#number(span.droppedEventsCount);
    const status = span.status;
    w.raw(STATUS_CODE);
    this.#number(status.code);
    if (typeof status.message === 'string') {
      w.raw(MESSAGE);
      w.string(status.message);
    }
    w.raw(LINKS);
    const links = span.links;
    for (let i = 0; i < links.length; i++) {
      if (i > 0) w.byte(COMMA);
      this.#link(links[i]!);
    }
    w.raw(DROPPED_LINKS);
    this.#number(span.droppedLinksCount);
    w.raw(FLAGS);
    w.number(spanFlags(ctx.traceFlags, parent?.isRemote));
    w.byte(CLOSE_OBJECT);
  }

  /** `,"traceState":…` when the context has one (an empty one included, as upstream). */
  #traceState(ctx: SpanContext): void {
    const traceState = ctx.traceState?.serialize();
    if (traceState === undefined) return;
    this.#writer.raw(TRACE_STATE);
    this.#json(traceState);
  }

  #event(event: TimedEvent): void {
    const w = this.#writer;
    w.raw(ATTRIBUTES_START);
    if (event.attributes) this.#attributes(event.attributes);
    else w.raw(EMPTY_ARRAY);
    w.raw(NAME);
    this.#json(event.name);
    w.raw(TIME);
    nanos(w, event.time);
    w.raw(DROPPED_ATTRIBUTES_AFTER_TIME);
    this.#number(event.droppedAttributesCount || 0);
    w.byte(CLOSE_OBJECT);
  }

  #link(link: Link): void {
    const w = this.#writer;
    const ctx = link.context;
    w.raw(ATTRIBUTES_START);
    if (link.attributes) this.#attributes(link.attributes);
    else w.raw(EMPTY_ARRAY);
    w.raw(SPAN_ID);
    this.#json(ctx.spanId);
    w.raw(TRACE_ID);
    this.#json(ctx.traceId);
    this.#traceState(ctx);
    w.raw(DROPPED_ATTRIBUTES);
    this.#number(link.droppedAttributesCount || 0);
    w.raw(FLAGS);
    w.number(spanFlags(ctx.traceFlags, ctx.isRemote));
    w.byte(CLOSE_OBJECT);
  }

  /**
   * A KeyValue array in the object's own enumerable key order (`Object.keys`, as upstream). A key's encoding is
   * kept, and so is the whole KeyValue while a short value repeats under it (`chat`, a model name, a port).
   */
  #attributes(attributes: object): void {
    const w = this.#writer;
    const keys = Object.keys(attributes);
    w.byte(0x5b); // [
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) w.byte(COMMA);
      const key = keys[i]!;
      const value = (attributes as Record<string, unknown>)[key];
      const known = this.#keys.get(key);
      if (known === undefined) {
        w.raw(KEY_START);
        w.string(key);
        w.raw(VALUE);
        this.#anyValue(value);
        w.byte(CLOSE_OBJECT);
      } else if (known.keyValue !== undefined && known.value === value) {
        w.raw(known.keyValue);
      } else {
        const from = w.pos;
        w.raw(known.key);
        this.#anyValue(value);
        w.byte(CLOSE_OBJECT);
        remember(known, value, w, from);
      }
    }
    w.byte(CLOSE_ARRAY);
  }

  /** AnyValue as upstream builds it: integers as intValue, other numbers as doubleValue, unknown types empty. */
  #anyValue(value: unknown): void {
    const w = this.#writer;
    switch (typeof value) {
      case 'string':
        w.raw(STRING_VALUE);
        w.string(value);
        w.byte(CLOSE_OBJECT);
        return;
      case 'boolean':
        w.raw(value ? TRUE_VALUE : FALSE_VALUE);
        return;
      case 'number':
        w.raw(Number.isInteger(value) ? INT_VALUE : DOUBLE_VALUE);
        w.number(value);
        w.byte(CLOSE_OBJECT);
        return;
      case 'object':
        break;
      default:
        w.raw(EMPTY_VALUE);
        return;
    }
    if (value instanceof Uint8Array) {
      w.raw(BYTES_VALUE);
      w.ascii(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
      w.byte(QUOTE);
      w.byte(CLOSE_OBJECT);
    } else if (Array.isArray(value)) {
      w.raw(ARRAY_VALUE);
      for (let i = 0; i < value.length; i++) {
        if (i > 0) w.byte(COMMA);
        this.#anyValue(value[i]);
      }
      w.raw(END_ARRAY_VALUE);
    } else if (value === null) {
      w.raw(EMPTY_VALUE);
    } else {
      w.raw(KVLIST_VALUE);
      this.#attributes(value);
      w.raw(END_KVLIST_VALUE);
    }
  }
}

/**
 * An hrtime as the decimal nanoseconds upstream writes (`BigInt(trunc(s)) * 10^9 + BigInt(trunc(ns))`), without the
 * quotes: by concatenating digits when that is exact (the SDK's normalized times), by upstream's arithmetic otherwise.
 */
function nanos(w: JsonWriter, time: readonly [number, number]): void {
  const seconds = time[0];
  const nanoseconds = time[1];
  if (
    seconds > 0 &&
    seconds <= Number.MAX_SAFE_INTEGER &&
    Number.isInteger(seconds) &&
    nanoseconds >= 0 &&
    nanoseconds < NANOS_PER_SECOND &&
    Number.isInteger(nanoseconds)
  ) {
    const digits = `${nanoseconds}`;
    w.ascii(`${seconds}${ZEROS.slice(digits.length)}${digits}`);
    return;
  }
  w.ascii((BigInt(Math.trunc(seconds)) * BIG_NANOS_PER_SECOND + BigInt(Math.trunc(nanoseconds))).toString());
}

/**
 * Spans by resource (by identity), then by instrumentation scope (by name, version and schema URL: upstream's JSON
 * path merges equal scopes, its protobuf path does not), in first-seen order.
 */
function groupByResourceAndScope(spans: ReadableSpan[]): Map<Resource, Map<string, ReadableSpan[]>> {
  const resources = new Map<Resource, Map<string, ReadableSpan[]>>();
  let lastScope: ReadableSpan['instrumentationScope'] | undefined;
  let lastKey = '';
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes) {
      scopes = new Map();
      resources.set(span.resource, scopes);
    }
    const scope = span.instrumentationScope;
    if (scope !== lastScope) {
      lastScope = scope;
      lastKey = `${scope.name}@${scope.version || ''}:${scope.schemaUrl || ''}`;
    }
    const list = scopes.get(lastKey);
    if (list) list.push(span);
    else scopes.set(lastKey, [span]);
  }
  return resources;
}
