// The HTTP attempt spans as the preload records them: real `fetch` against a real local server, the OTel SDK with an
// in-memory exporter, and the preload's aggregating meter provider.
import { channel } from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatingMeterProvider } from '@aiotel/aggregating-meter-provider';
import { REDACTED, Redactor } from '@aiotel/genai-core';
import {
  type TracerProvider as ApiTracerProvider,
  context,
  type DiagLogger,
  DiagLogLevel,
  diag,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { learnCredentials } from '../src/http.js';
import { HTTP_CLIENT_REQUEST_DURATION, HttpClientSpans } from '../src/http-client-spans.js';
import { redactSpan } from '../src/redact.js';

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
// As the preload builds it: the aggregating provider in front of the SDK's; delta, so each test sees its own points.
const aggregating = new AggregatingMeterProvider();
const producer = aggregating.addReader();
const reader = new TestReader({
  aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
  metricProducers: [producer],
});
producer.useReader(reader);
aggregating.useSdk(new MeterProvider({ readers: [reader] }));
const redactor = new Redactor();
const recorder = new HttpClientSpans(redactor);

/** What the server saw of each request, and the responses it holds back until the test releases them. */
const received: IncomingMessage[] = [];
const held: ServerResponse[] = [];
let server: Server;
let base: string;
let port: number;

function handle(request: IncomingMessage, response: ServerResponse): void {
  received.push(request);
  const status = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
  if (request.url?.startsWith('/hold')) {
    held.push(response);
    return;
  }
  if (request.url?.startsWith('/cut')) {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('first chunk ');
    setTimeout(() => response.socket?.destroy(), 20);
    return;
  }
  if (request.url?.startsWith('/stream')) {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('first chunk ');
    held.push(response);
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(aggregating);
  recorder.enable();
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  recorder.disable();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await tracerProvider.shutdown();
});
beforeEach(async () => {
  exporter.reset();
  received.length = 0;
  await reader.collect(); // what earlier tests measured is not this test's
});
afterEach(() => {
  for (const response of held.splice(0)) response.end();
});

/** The attempt spans finished so far, polled: undici ends them after the fetch promise settles. */
async function finishedSpans(count: number): Promise<ReadableSpan[]> {
  for (let i = 0; i < 500 && exporter.getFinishedSpans().length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return exporter.getFinishedSpans();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** The duration points collected since the last collection, by attributes. */
async function durationPoints(): Promise<{ attributes: object; count: number }[]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .filter((scope) => scope.scope.name === '@aiotel/node')
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === HTTP_CLIENT_REQUEST_DURATION) as HistogramMetricData | undefined;
  return (metric?.dataPoints ?? []).map((point) => ({
    attributes: point.attributes,
    count: point.value.count,
  }));
}

/** A closed port: listen, note the port, close. */
async function refusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closed = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return closed;
}

describe('an HTTP attempt made with fetch', () => {
  it('is a CLIENT span named after the method, child of the active span, with the attributes of the request', async () => {
    const parent = tracerProvider.getTracer('test').startSpan('chat gpt-4o-mini');
    const response = await context.with(trace.setSpan(context.active(), parent), () =>
      fetch(`${base}/v1/chat/completions?api_key=query-secret-1&x=1`, {
        method: 'POST',
        body: '{}',
        headers: {
          'user-agent': 'OpenAI/JS 7.60.0',
          'x-stainless-retry-count': '2',
          authorization: 'Bearer header-credential-1234',
        },
      }),
    );
    await response.text();
    parent.end();
    const span = (await finishedSpans(2)).find((s) => s.name === 'POST');
    expect(span?.name).toBe('POST');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.instrumentationScope).toMatchObject({ name: '@aiotel/node', version: '0.1.0' });
    expect(span?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(span?.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.request.method_original': 'POST',
      'url.full': `${base}/v1/chat/completions?api_key=query-secret-1&x=1`,
      'url.path': '/v1/chat/completions',
      'url.query': '?api_key=query-secret-1&x=1',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': port,
      'user_agent.original': 'OpenAI/JS 7.60.0',
      'http.request.resend_count': 2,
      'network.peer.address': '127.0.0.1',
      'network.peer.port': port,
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
    });
    // The credential header was learnt; the query secret is scrubbed where every span is, before export.
    expect(redactor.redactString('header-credential-1234')).toBe(REDACTED);
    const exported = span && redactSpan(span, redactor);
    expect(exported?.attributes['url.full']).toBe(`${base}/v1/chat/completions?api_key=${REDACTED}&x=1`);
    expect(exported?.attributes['url.query']).toBe(`?api_key=${REDACTED}&x=1`);
  });

  it('injects its own trace context into the request headers', async () => {
    const parent = tracerProvider.getTracer('test').startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), async () =>
      (await fetch(`${base}/ok`)).text(),
    );
    parent.end();
    const span = (await finishedSpans(2)).find((s) => s.name === 'GET');
    const { traceId, spanId } = span?.spanContext() ?? {};
    expect(received[0]?.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('names a method outside the semantic conventions HTTP, as _OTHER, and keeps its spelling', async () => {
    await (await fetch(`${base}/ok`, { method: 'PURGE' })).text();
    await (await fetch(`${base}/ok`, { method: 'query' })).text();
    const spans = await finishedSpans(2);
    expect(
      spans.map((s) => [
        s.name,
        s.attributes['http.request.method'],
        s.attributes['http.request.method_original'],
      ]),
    ).toEqual([
      ['HTTP', '_OTHER', 'PURGE'],
      ['QUERY', 'QUERY', 'query'],
    ]);
  });

  it('is an error with error.type on a status of 400 or more', async () => {
    const response = await fetch(`${base}/fail?status=503`);
    await response.text();
    const [span] = await finishedSpans(1);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['http.response.status_code']).toBe(503);
    expect(span?.attributes['error.type']).toBe('503');
  });

  it('is an error span with the exception when the connection is refused', async () => {
    const closed = await refusedPort();
    await expect(fetch(`http://127.0.0.1:${closed}/v1/chat/completions`)).rejects.toThrow();
    const [span] = await finishedSpans(1);
    expect(span?.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(span?.status.message).toContain('ECONNREFUSED');
    expect(span?.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    expect(span?.events[0]?.attributes?.['exception.message']).toContain('ECONNREFUSED');
  });

  it('just ends when the request is aborted', async () => {
    const abort = new AbortController();
    const pending = fetch(`${base}/hold`, { signal: abort.signal });
    await until(() => held.length === 1, 'the server to hold the request');
    abort.abort();
    await expect(pending).rejects.toThrow();
    const [span] = await finishedSpans(1);
    expect(span?.ended).toBe(true);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes['error.type']).toBeUndefined();
    expect(span?.events).toEqual([]);
  });

  it('covers a streamed body: it ends when the body is done, not at the response headers', async () => {
    const response = await fetch(`${base}/stream`);
    const body = response.text();
    await until(() => held.length === 1, 'the first chunk');
    // Headers and a first chunk are in, the body is not done: the span is still open.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exporter.getFinishedSpans()).toEqual([]);
    const released = performance.timeOrigin + performance.now();
    held.shift()?.end('last chunk');
    expect(await body).toBe('first chunk last chunk');
    const [span] = await finishedSpans(1);
    const [seconds = 0, nanos = 0] = span?.endTime ?? [];
    expect(seconds * 1000 + nanos / 1e6).toBeGreaterThanOrEqual(released - 1);
  });

  it('is an error span when the connection drops in the middle of the body', async () => {
    const response = await fetch(`${base}/cut`);
    await expect(response.text()).rejects.toThrow();
    const [span] = await finishedSpans(1);
    expect(span?.attributes['http.response.status_code']).toBe(200);
    expect(span?.attributes['error.type']).toBe('UND_ERR_SOCKET');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('records http.client.request.duration with the method, server, scheme, protocol, status and error', async () => {
    await (await fetch(`${base}/ok`, { method: 'POST', body: '{}' })).text();
    await (await fetch(`${base}/ok`, { method: 'POST', body: '{}' })).text();
    await (await fetch(`${base}/ok?status=201`, { method: 'POST', body: '{}' })).text();
    await (await fetch(`${base}/fail?status=429`, { method: 'POST', body: '{}' })).text();
    await (await fetch(`${base}/ok`, { method: 'POST', body: '{}' })).text();
    await expect((await fetch(`${base}/cut`, { method: 'POST', body: '{}' })).text()).rejects.toThrow();
    const closed = await refusedPort();
    await expect(fetch(`http://127.0.0.1:${closed}/`)).rejects.toThrow();
    await finishedSpans(7);
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((m) => m.descriptor.name === HTTP_CLIENT_REQUEST_DURATION) as HistogramMetricData | undefined;
    expect(metric?.descriptor.unit).toBe('s');
    expect(metric?.dataPoints[0]?.value.buckets.boundaries).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]);
    const server = { 'server.address': '127.0.0.1', 'url.scheme': 'http' };
    expect(
      metric?.dataPoints.map((point) => ({ attributes: point.attributes, count: point.value.count })),
    ).toEqual([
      {
        attributes: {
          'http.response.status_code': 200,
          'http.request.method': 'POST',
          ...server,
          'server.port': port,
          'network.protocol.version': '1.1',
        },
        count: 3,
      },
      {
        attributes: {
          'http.response.status_code': 201,
          'http.request.method': 'POST',
          ...server,
          'server.port': port,
          'network.protocol.version': '1.1',
        },
        count: 1,
      },
      {
        attributes: {
          'http.response.status_code': 429,
          'http.request.method': 'POST',
          ...server,
          'server.port': port,
          'error.type': '429',
          'network.protocol.version': '1.1',
        },
        count: 1,
      },
      {
        attributes: {
          'http.response.status_code': 200,
          'http.request.method': 'POST',
          ...server,
          'server.port': port,
          'error.type': 'UND_ERR_SOCKET',
          'network.protocol.version': '1.1',
        },
        count: 1,
      },
      {
        attributes: {
          'http.request.method': 'GET',
          ...server,
          'server.port': closed,
          'error.type': 'ECONNREFUSED',
        },
        count: 1,
      },
    ]);
    const sum = metric?.dataPoints[0]?.value.sum ?? 0;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(60);
  });
});

describe('turned off', () => {
  afterEach(() => {
    recorder.enable();
  });

  it('records nothing and injects nothing once disabled, and records again once enabled', async () => {
    recorder.disable();
    recorder.disable();
    const parent = tracerProvider.getTracer('test').startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), async () =>
      (await fetch(`${base}/ok`)).text(),
    );
    parent.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['parent']);
    expect(received[0]?.headers.traceparent).toBeUndefined();
    expect(await durationPoints()).toEqual([]);

    recorder.enable();
    recorder.enable();
    await (await fetch(`${base}/ok`)).text();
    expect((await finishedSpans(2)).map((s) => s.name)).toEqual(['parent', 'GET']);
    expect((await durationPoints()).map((point) => point.count)).toEqual([1]);
  });

  it('still learns the credentials requests send, without spans (httpSpans: false)', async () => {
    recorder.disable();
    const learner = new Redactor();
    const stop = learnCredentials(learner);
    try {
      await (await fetch(`${base}/ok`, { headers: { 'x-api-key': 'learnt-when-off-5678' } })).text();
    } finally {
      stop();
    }
    expect(learner.redactString('learnt-when-off-5678')).toBe(REDACTED);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(received[0]?.headers.traceparent).toBeUndefined();
  });
});

describe('requests in the shapes of other undici versions', () => {
  const create = channel('undici:request:create');

  it('measures each request with its own method, protocol, status and error, in any order', async () => {
    const origin = 'https://api.example.com';
    const sent = channel('undici:client:sendHeaders');
    const failed = channel('undici:request:error');
    const headers = channel('undici:request:headers');
    const done = channel('undici:request:trailers');
    const socket = { remoteAddress: '10.0.0.1', remotePort: 443, alpnProtocol: 'h2' };
    const attempt = (method: string, steps: ((request: object) => void)[]): void => {
      const request = { origin, path: '/v1', method, headers: [] };
      create.publish({ request });
      for (const step of steps) step(request);
    };
    const connects = (request: object) => sent.publish({ request, socket });
    const answers = (request: object) =>
      headers.publish({ request, response: { statusCode: 200, headers: [] } });
    const ends = (request: object) => done.publish({ request, trailers: [] });
    const fails = (request: object) =>
      failed.publish({ request, error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    attempt('POST', [connects, answers, ends]);
    attempt('GET', [connects, answers, ends]);
    attempt('GET', [connects, fails]);
    attempt('GET', [fails]);
    attempt('GET', [connects, answers, ends]);
    const server = { 'server.address': 'api.example.com', 'server.port': 443, 'url.scheme': 'https' };
    const ok = { 'http.response.status_code': 200 };
    expect(await durationPoints()).toEqual([
      {
        attributes: { ...ok, 'http.request.method': 'POST', ...server, 'network.protocol.version': '2' },
        count: 1,
      },
      {
        attributes: { ...ok, 'http.request.method': 'GET', ...server, 'network.protocol.version': '2' },
        count: 2,
      },
      {
        attributes: {
          'http.request.method': 'GET',
          ...server,
          'error.type': 'ECONNRESET',
          'network.protocol.version': '2',
        },
        count: 1,
      },
      { attributes: { 'http.request.method': 'GET', ...server, 'error.type': 'ECONNRESET' }, count: 1 },
    ]);
  });

  it('gets its trace context in string headers (undici 5) and in a header array without addHeader', () => {
    const parent = tracerProvider.getTracer('test').startSpan('parent');
    const text = { origin: base, path: '/v1', method: 'POST', headers: 'user-agent: old\r\n' };
    const array = { origin: base, path: '/v1', method: 'POST', headers: ['user-agent', 'new'] };
    context.with(trace.setSpan(context.active(), parent), () => {
      create.publish({ request: text });
      create.publish({ request: array });
    });
    parent.end();
    expect(text.headers).toMatch(/^user-agent: old\r\ntraceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-01\r\n$/);
    expect(array.headers).toEqual(['user-agent', 'new', 'traceparent', expect.stringMatching(/^00-/)]);
  });
});

describe('a failure inside the recorder', () => {
  it('does not fail the request, and is reported once', async () => {
    const logged: string[] = [];
    const logger: DiagLogger = {
      error: (message) => logged.push(message),
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    };
    diag.setLogger(logger, DiagLogLevel.ERROR);
    const throwing: ApiTracerProvider = {
      getTracer: () => {
        const tracer = tracerProvider.getTracer('broken');
        return Object.assign(Object.create(tracer), {
          startSpan: () => {
            throw new Error('broken tracer');
          },
        });
      },
    };
    trace.disable();
    trace.setGlobalTracerProvider(throwing);
    const broken = new HttpClientSpans(new Redactor());
    broken.enable();
    trace.disable();
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      for (let i = 0; i < 2; i++) expect((await fetch(`${base}/ok`)).status).toBe(200);
    } finally {
      broken.disable();
      diag.disable();
    }
    expect(logged).toEqual([expect.stringContaining('recording an HTTP span failed')]);
  });
});
