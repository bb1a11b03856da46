import type { Link, SpanContext } from '@opentelemetry/api';
import {
  type IExportTraceServiceResponse,
  type ISerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { ProtobufWriter } from './protobuf-writer.js';
import {
  KEEP_BUFFER_BYTES,
  KeyCache,
  type Resource,
  remember,
  replay,
  type Scope,
  spanFlags,
} from './span-encoding.js';

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Encodes spans as an OTLP ExportTraceServiceRequest in protobuf, byte for byte what `ProtobufTraceSerializer`
 * of `@opentelemetry/otlp-transformer` 0.301 writes, in one pass into a reused buffer: no size-estimation pass, ids
 * decoded in place, resource and scope headers and attribute keys encoded once, a repeated short value's KeyValue
 * kept. Tag bytes are written as literals (field number << 3 | wire type). The response is read by upstream's.
 */
export class SpanProtobufSerializer implements ISerializer<ReadableSpan[], IExportTraceServiceResponse> {
  readonly #writer = new ProtobufWriter();
  readonly #keys = new KeyCache((key) => {
    const w = this.#writer;
    const from = w.pos;
    w.byte(0x0a);
    w.string(key);
    const encoded = w.copy(from);
    w.pos = from;
    return encoded;
  });
  readonly #resources = new WeakMap<Resource, Uint8Array>();
  readonly #scopes = new WeakMap<Scope, Uint8Array>();

  serializeRequest(spans: ReadableSpan[]): Uint8Array {
    const w = this.#writer;
    w.reset(KEEP_BUFFER_BYTES);
    for (const [resource, scopes] of groupByResourceAndScope(spans)) {
      w.byte(0x0a); // ExportTraceServiceRequest.resource_spans
      const resourceSpans = w.begin(3);
      this.#resource(resource);
      for (const [scope, scopeSpans] of scopes) {
        w.byte(0x12); // ResourceSpans.scope_spans
        const scopeStart = w.begin(3);
        this.#scope(scope);
        for (const span of scopeSpans) {
          w.byte(0x12); // ScopeSpans.spans
          this.#span(span);
        }
        if (scope.schemaUrl) {
          w.byte(0x1a); // ScopeSpans.schema_url
          w.string(scope.schemaUrl);
        }
        w.end(scopeStart, 3);
      }
      if (resource.schemaUrl) {
        w.byte(0x1a); // ResourceSpans.schema_url
        w.string(resource.schemaUrl);
      }
      w.end(resourceSpans, 3);
    }
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
    return ProtobufTraceSerializer.deserializeResponse(data);
  }

  /** ResourceSpans.resource, encoded once per resource whose attributes are settled. */
  #resource(resource: Resource): void {
    if (replay(this.#writer, this.#resources, resource)) return;
    const w = this.#writer;
    const from = w.pos;
    w.byte(0x0a);
    const start = w.begin(2);
    const attributes = resource.attributes;
    if (attributes) this.#attributes(attributes, 0x0a);
    w.bytes2(0x10, 0); // dropped_attributes_count, always written as 0 upstream
    w.end(start, 2);
    if (!resource.asyncAttributesPending) this.#resources.set(resource, w.copy(from));
  }

  /** ScopeSpans.scope, encoded once per scope. */
  #scope(scope: Scope): void {
    if (replay(this.#writer, this.#scopes, scope)) return;
    const w = this.#writer;
    const from = w.pos;
    w.byte(0x0a);
    const start = w.begin(1);
    w.byte(0x0a);
    w.string(scope.name);
    if (scope.version) {
      w.byte(0x12);
      w.string(scope.version);
    }
    if (scope.attributes) this.#attributes(scope.attributes, 0x1a);
    if (scope.droppedAttributesCount) {
      w.byte(0x20);
      w.varint(scope.droppedAttributesCount);
    }
    w.end(start, 1);
    this.#scopes.set(scope, w.copy(from));
  }

  #span(span: ReadableSpan): void {
    const w = this.#writer;
    const start = w.begin(2);
    const ctx = span.spanContext();
    this.#context(ctx);
    const parent = span.parentSpanContext;
    if (parent?.spanId) {
      w.byte(0x22); // parent_span_id
      w.hexBytes(parent.spanId);
    }
    w.byte(0x2a); // name
    w.string(span.name);
    // OTLP's SpanKind is the API's plus one (0 is UNSPECIFIED, omitted).
    const kind = span.kind == null ? 0 : span.kind + 1;
    if (kind !== 0) {
      w.byte(0x30); // kind
      w.varint(kind);
    }
    w.byte(0x39); // start_time_unix_nano, fixed64
    w.hrTime(span.startTime);
    w.byte(0x41); // end_time_unix_nano
    w.hrTime(span.endTime);
    if (span.attributes) this.#attributes(span.attributes, 0x4a); // Span.attributes
    w.byte(0x50); // dropped_attributes_count
    w.varint(span.droppedAttributesCount);
    for (const event of span.events) this.#event(event);
    w.byte(0x60); // dropped_events_count
    w.varint(span.droppedEventsCount);
    for (const link of span.links) this.#link(link);
    w.byte(0x70); // dropped_links_count
    w.varint(span.droppedLinksCount);
    w.byte(0x7a); // status
    const status = w.begin(1);
    const message = span.status.message;
    // An empty message is the field's default (not written); so is one that is not a string.
    if (typeof message === 'string' && message !== '') {
      w.byte(0x12); // Status.message
      w.string(message);
    }
    w.byte(0x18); // Status.code
    w.varint(span.status.code);
    w.end(status, 1);
    w.bytes2(0x85, 0x01); // flags, field 16, fixed32
    w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
    w.end(start, 2);
  }

  /** trace_id, span_id and trace_state: fields 1 to 3 of both Span and Span.Link. */
  #context(ctx: SpanContext): void {
    const w = this.#writer;
    w.byte(0x0a);
    w.hexBytes(ctx.traceId);
    w.byte(0x12);
    w.hexBytes(ctx.spanId);
    const traceState = ctx.traceState?.serialize();
    if (traceState) {
      w.byte(0x1a);
      w.string(traceState);
    }
  }

  #event(event: TimedEvent): void {
    const w = this.#writer;
    w.byte(0x5a); // Span.events
    const start = w.begin(1);
    w.byte(0x09); // Event.time_unix_nano
    w.hrTime(event.time);
    w.byte(0x12); // Event.name
    w.string(event.name);
    if (event.attributes) this.#attributes(event.attributes, 0x1a); // Event.attributes
    w.byte(0x20); // Event.dropped_attributes_count
    w.varint(event.droppedAttributesCount || 0);
    w.end(start, 1);
  }

  #link(link: Link): void {
    const w = this.#writer;
    const ctx = link.context;
    w.byte(0x6a); // Span.links
    const start = w.begin(1);
    this.#context(ctx);
    if (link.attributes) this.#attributes(link.attributes, 0x22); // Link.attributes
    w.byte(0x28); // Link.dropped_attributes_count
    w.varint(link.droppedAttributesCount || 0);
    w.byte(0x35); // Link.flags, fixed32
    w.fixed32(spanFlags(ctx.traceFlags, ctx.isRemote));
    w.end(start, 1);
  }

  /**
   * Repeated KeyValue under the field whose tag byte is `tag`, in the object's own enumerable key order. A key's
   * encoding is kept, and so is the whole KeyValue once a short value repeats under it (`chat`, a model name, a port).
   */
  #attributes(attributes: object, tag: number): void {
    const w = this.#writer;
    for (const key in attributes) {
      if (!hasOwn.call(attributes, key)) continue;
      const value = (attributes as Record<string, unknown>)[key];
      const known = this.#keys.get(key);
      w.byte(tag);
      if (known === undefined) {
        this.#keyValue(key, undefined, value);
        continue;
      }
      if (known.keyValue !== undefined && known.value === value) {
        w.raw(known.keyValue);
        continue;
      }
      const from = w.pos;
      this.#keyValue(key, known.key, value);
      remember(known, value, w, from);
    }
  }

  /** A KeyValue message, length first, with the key's encoding if known. */
  #keyValue(key: string, encodedKey: Uint8Array | undefined, value: unknown): void {
    const w = this.#writer;
    const start = w.begin(1);
    if (encodedKey) {
      w.raw(encodedKey);
    } else {
      w.byte(0x0a);
      w.string(key);
    }
    w.byte(0x12); // KeyValue.value
    const valueStart = w.begin(1);
    this.#anyValue(value);
    w.end(valueStart, 1);
    w.end(start, 1);
  }

  /** AnyValue as upstream decides it: integers within int64 as int, other numbers as double, unknown types empty. */
  #anyValue(value: unknown): void {
    const w = this.#writer;
    switch (typeof value) {
      case 'string':
        w.byte(0x0a);
        w.string(value);
        return;
      case 'boolean':
        w.bytes2(0x10, value ? 1 : 0);
        return;
      case 'number':
        if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
          w.byte(0x18);
          w.varint(value);
        } else {
          w.byte(0x21);
          w.double(value);
        }
        return;
      case 'object':
        break;
      default:
        return;
    }
    if (value instanceof Uint8Array) {
      w.byte(0x3a);
      w.bytes(value);
    } else if (Array.isArray(value)) {
      w.byte(0x2a);
      const array = w.begin(1);
      for (const item of value) {
        w.byte(0x0a); // ArrayValue.values
        const start = w.begin(1);
        this.#anyValue(item);
        w.end(start, 1);
      }
      w.end(array, 1);
    } else if (value !== null) {
      w.byte(0x32);
      const list = w.begin(1);
      this.#attributes(value, 0x0a); // KeyValueList.values
      w.end(list, 1);
    }
  }
}

/** Spans by resource, then by instrumentation scope (both by identity, as upstream), in first-seen order. */
function groupByResourceAndScope(spans: ReadableSpan[]): Map<Resource, Map<Scope, ReadableSpan[]>> {
  const resources = new Map<Resource, Map<Scope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes) {
      scopes = new Map();
      resources.set(span.resource, scopes);
    }
    const list = scopes.get(span.instrumentationScope);
    if (list) list.push(span);
    else scopes.set(span.instrumentationScope, [span]);
  }
  return resources;
}
