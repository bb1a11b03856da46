import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { contextWithSpan, type Redactor } from '@aiotel/genai-core';
import {
  type Attributes,
  context,
  diag,
  type Histogram,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapSetter,
  type Tracer,
  trace,
  ValueType,
} from '@opentelemetry/api';
import { inspectRequest, REQUEST_CREATED } from './http.js';
import {
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  type Origin,
  setUrlAttributes,
} from './request-url.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_REQUEST_METHOD_ORIGINAL = 'http.request.method_original';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address';
const ATTR_NETWORK_PEER_PORT = 'network.peer.port';
const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version';
const ATTR_ERROR_TYPE = 'error.type';

/** The metric, its description and buckets as instrumentation-undici 0.34 creates it. */
export const HTTP_CLIENT_REQUEST_DURATION = 'http.client.request.duration';
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** undici's channels (Node's `fetch` and the npm `undici` package both publish on them). */
const HEADERS_SENT = 'undici:client:sendHeaders';
const RESPONSE_HEADERS = 'undici:request:headers';
const RESPONSE_DONE = 'undici:request:trailers';
const REQUEST_FAILED = 'undici:request:error';

/** The semconv methods; any other is `_OTHER` (span name `HTTP`), its spelling kept in `http.request.method_original`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'OPTIONS',
  'HEAD',
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'TRACE',
  'QUERY',
]);

/** A request's attempt span, kept on undici's request object until the response is done or fails. */
const ATTEMPT = Symbol('aiotel.httpAttempt');

/** The part of undici's request object that is read, and written (trace context headers, the attempt). */
interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
  method?: unknown;
  headers?: unknown;
  addHeader?: (name: string, value: string) => unknown;
  [ATTEMPT]?: Attempt | undefined;
}

interface Attempt {
  readonly span: Span;
  readonly origin: Origin;
  readonly method: string;
  /** `performance.now()` when the request was created. */
  readonly start: number;
  protocol: string | undefined;
  status: number | undefined;
  errorType: string | undefined;
}

const START_OPTIONS = Object.freeze({ kind: SpanKind.CLIENT });

/** Writes the trace context headers into undici's request in whichever shape its version has. */
const REQUEST_HEADERS: TextMapSetter<UndiciRequest> = {
  set(request, name, value) {
    if (typeof request.addHeader === 'function') request.addHeader(name, value);
    else if (typeof request.headers === 'string') request.headers += `${name}: ${value}\r\n`;
    else if (Array.isArray(request.headers)) request.headers.push(name, value);
  },
};

/**
 * HTTP client spans for `fetch` and undici, recorded from undici's diagnostics channels: one span per attempt named
 * after the method, kind CLIENT, child of the context active when the request is created (the GenAI span), with the
 * trace context injected into the request, ended when the response body is done; and `http.client.request.duration`.
 * The same spans, attributes and metric as `@opentelemetry/instrumentation-undici` 0.34, plus
 * `http.request.resend_count`, at about half its CPU per request. The request headers are read once (credentials
 * learnt for redaction, see {@link inspectRequest}). Records through the global tracer and meter providers as they
 * are when {@link HttpClientSpans.enable} is called. Never throws into undici.
 */
export class HttpClientSpans {
  readonly #redactor: Redactor;
  readonly #origins = new Map<string, Origin>();
  #tracer: Tracer | undefined;
  #duration: Histogram | undefined;
  #failed = false;

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }

  /** Subscribes to undici's channels; a second call does nothing. */
  enable(): void {
    if (this.#tracer) return;
    this.#tracer = trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
    this.#duration = metrics
      .getMeter(PACKAGE_NAME, PACKAGE_VERSION)
      .createHistogram(HTTP_CLIENT_REQUEST_DURATION, {
        description: 'Measures the duration of outbound HTTP requests.',
        unit: 's',
        valueType: ValueType.DOUBLE,
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      });
    subscribe(REQUEST_CREATED, this.#onCreated);
    subscribe(HEADERS_SENT, this.#onHeadersSent);
    subscribe(RESPONSE_HEADERS, this.#onResponse);
    subscribe(RESPONSE_DONE, this.#onDone);
    subscribe(REQUEST_FAILED, this.#onError);
  }

  /** Unsubscribes: requests created from now on get no span; a second call does nothing. */
  disable(): void {
    if (!this.#tracer) return;
    this.#tracer = undefined;
    unsubscribe(REQUEST_CREATED, this.#onCreated);
    unsubscribe(HEADERS_SENT, this.#onHeadersSent);
    unsubscribe(RESPONSE_HEADERS, this.#onResponse);
    unsubscribe(RESPONSE_DONE, this.#onDone);
    unsubscribe(REQUEST_FAILED, this.#onError);
  }

  readonly #onCreated = (message: unknown): void => {
    try {
      const request = (message as { request?: UndiciRequest } | null)?.request;
      const tracer = this.#tracer;
      if (!request || !tracer || request.method === 'CONNECT') return;
      const start = performance.now();
      const original = typeof request.method === 'string' ? request.method : String(request.method);
      const method = KNOWN_METHODS.has(original) ? original : normalizeMethod(original);
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: original,
      };
      const origin = setUrlAttributes(attributes, request.origin, request.path, this.#origins);
      if (!origin) {
        diag.warn(`could not determine url.full of a request to ${String(request.origin)}; it gets no span.`);
        return;
      }
      inspectRequest(request, this.#redactor, attributes);
      const active = context.active();
      // Set after the start, not passed to it, which cleans them twice (0.6 µs): the preload's sampler (parent-based
      // always-on, `OTEL_TRACES_SAMPLER` is not read) does not look at attributes.
      const span = tracer.startSpan(method === '_OTHER' ? 'HTTP' : method, START_OPTIONS, active);
      span.setAttributes(attributes);
      propagation.inject(contextWithSpan(active, span), request, REQUEST_HEADERS);
      request[ATTEMPT] = {
        span,
        origin,
        method,
        start,
        protocol: undefined,
        status: undefined,
        errorType: undefined,
      };
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #onHeadersSent = (message: unknown): void => {
    try {
      const { request, socket } = message as {
        request: UndiciRequest;
        socket: { remoteAddress?: string; remotePort?: number; alpnProtocol?: string | false | null };
      };
      const attempt = request[ATTEMPT];
      if (!attempt) return;
      attempt.protocol = socket.alpnProtocol === 'h2' ? '2' : '1.1';
      attempt.span.setAttribute(ATTR_NETWORK_PEER_ADDRESS, socket.remoteAddress);
      attempt.span.setAttribute(ATTR_NETWORK_PEER_PORT, socket.remotePort);
      attempt.span.setAttribute(ATTR_NETWORK_PROTOCOL_VERSION, attempt.protocol);
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #onResponse = (message: unknown): void => {
    try {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
      const attempt = request[ATTEMPT];
      if (!attempt) return;
      const status = response.statusCode;
      attempt.status = status;
      attempt.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 400) {
        attempt.errorType = String(status);
        attempt.span.setAttribute(ATTR_ERROR_TYPE, attempt.errorType);
        attempt.span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #onDone = (message: unknown): void => {
    try {
      const request = (message as { request: UndiciRequest }).request;
      const attempt = request[ATTEMPT];
      if (!attempt) return;
      request[ATTEMPT] = undefined;
      attempt.span.end();
      this.#recordDuration(attempt);
    } catch (error) {
      this.#fail(error);
    }
  };

  readonly #onError = (message: unknown): void => {
    try {
      const { request, error } = message as {
        request: UndiciRequest;
        error: { name?: string; code?: unknown; message?: string };
      };
      const attempt = request[ATTEMPT];
      if (!attempt) return;
      request[ATTEMPT] = undefined;
      // An aborted request is the caller's choice, not a failure: its span just ends.
      if (!isAbort(error)) {
        attempt.errorType = String(error.code || error.name || 'Error');
        attempt.span.setAttribute(ATTR_ERROR_TYPE, attempt.errorType);
        attempt.span.recordException(error as Error);
        attempt.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      attempt.span.end();
      this.#recordDuration(attempt);
    } catch (error) {
      this.#fail(error);
    }
  };

  #recordDuration(attempt: Attempt): void {
    const seconds = (performance.now() - attempt.start) / 1000;
    this.#duration?.record(seconds, metricAttributes(attempt));
  }

  /** A bug here must not fail the app's request: said once, then only at debug level. */
  #fail(error: unknown): void {
    if (this.#failed) {
      diag.debug('recording an HTTP span failed:', error);
      return;
    }
    this.#failed = true;
    diag.error(
      'recording an HTTP span failed (the request is not affected; later failures at debug level):',
      error,
    );
  }
}

function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

function isAbort(error: { name?: string; code?: unknown }): boolean {
  return (
    error.name === 'AbortError' ||
    (typeof DOMException !== 'undefined' &&
      error instanceof DOMException &&
      error.code === DOMException.ABORT_ERR)
  );
}

/**
 * The duration's attributes (instrumentation-undici's keys, in its order): one frozen object per origin, method,
 * status, error and protocol, built once, which the aggregating meter provider keys by identity.
 */
function metricAttributes(attempt: Attempt): Attributes {
  const { origin, method, status, errorType, protocol } = attempt;
  // Most requests to an origin end alike: the previous set, checked without building a key.
  const last = origin.lastMetricAttributes;
  if (
    last !== undefined &&
    last[ATTR_HTTP_REQUEST_METHOD] === method &&
    last[ATTR_HTTP_RESPONSE_STATUS_CODE] === status &&
    last[ATTR_ERROR_TYPE] === errorType &&
    last[ATTR_NETWORK_PROTOCOL_VERSION] === protocol
  ) {
    return last;
  }
  const key = `${method} ${status} ${errorType} ${protocol}`;
  let attributes = origin.metricAttributes.get(key);
  if (attributes) {
    origin.lastMetricAttributes = attributes;
    return attributes;
  }
  attributes = {};
  if (status !== undefined) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  attributes[ATTR_HTTP_REQUEST_METHOD] = method;
  attributes[ATTR_SERVER_ADDRESS] = origin.address;
  if (origin.port !== undefined) attributes[ATTR_SERVER_PORT] = origin.port;
  attributes[ATTR_URL_SCHEME] = origin.scheme;
  if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
  if (protocol !== undefined) attributes[ATTR_NETWORK_PROTOCOL_VERSION] = protocol;
  Object.freeze(attributes);
  // Error types are bounded in practice; this only guards memory against an unbounded one.
  if (origin.metricAttributes.size >= 64) origin.metricAttributes.clear();
  origin.metricAttributes.set(key, attributes);
  origin.lastMetricAttributes = attributes;
  return attributes;
}
