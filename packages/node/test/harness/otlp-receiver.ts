import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** When its body had arrived (Date.now()). */
  readonly receivedAt: number;
  /** When it was answered; undefined while unanswered. */
  answeredAt: number | undefined;
}

/** An attribute map decoded from OTLP/JSON `KeyValue[]`. */
export type DecodedAttributes = Record<string, unknown>;

/** A span from an OTLP/JSON traces request, flattened with its resource and scope. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: DecodedAttributes;
  readonly events: ReadonlyArray<{ name: string; attributes: DecodedAttributes }>;
  readonly status: { code?: number; message?: string };
  readonly resource: DecodedAttributes;
  readonly scope: string;
}

/** A metric from an OTLP/JSON metrics request, with its data points' attributes. */
export interface ReceivedMetric {
  readonly name: string;
  readonly unit: string;
  readonly scope: string;
  readonly resource: DecodedAttributes;
  readonly points: ReadonlyArray<{ attributes: DecodedAttributes; raw: Record<string, unknown> }>;
}

/**
 * How the receiver behaves: answer every export, accept the connection and never answer, or answer the first
 * metrics export only after 3 s (a collector whose pipeline is slow for a moment) and the others at once.
 */
export type ReceiverMode = 'answer' | 'never-answer' | 'slow-first-metrics';

const SLOW_ANSWER_MS = 3000;

/** A local OTLP/HTTP receiver (POST /v1/traces, /v1/metrics) on 127.0.0.1 and a free port. */
export interface OtlpReceiver {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Every span of every JSON traces request so far. */
  spans(): ReceivedSpan[];
  /** Every metric of every JSON metrics request so far. */
  metrics(): ReceivedMetric[];
  /** All bodies concatenated: what to grep for secrets. */
  allBytes(): Buffer;
  close(): Promise<void>;
}

export async function startOtlpReceiver(mode: ReceiverMode = 'answer'): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        path: req.url ?? '',
        contentType: String(req.headers['content-type'] ?? ''),
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
        answeredAt: undefined,
      };
      requests.push(request);
      if (mode === 'never-answer') return;
      const answer = (): void => {
        request.answeredAt = Date.now();
        const json = String(req.headers['content-type']).includes('json');
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : undefined);
      };
      const firstMetrics =
        request.path === '/v1/metrics' && !requests.some((r) => r !== request && r.path === '/v1/metrics');
      if (mode === 'slow-first-metrics' && firstMetrics) setTimeout(answer, SLOW_ANSWER_MS);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const jsonBodies = (path: string): unknown[] =>
    requests
      .filter((r) => r.path === path && r.contentType.includes('json'))
      .map((r) => JSON.parse(r.body.toString()));

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => jsonBodies('/v1/traces').flatMap(flattenSpans),
    metrics: () => jsonBodies('/v1/metrics').flatMap(flattenMetrics),
    allBytes: () => Buffer.concat(requests.map((r) => r.body)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface KeyValue {
  key: string;
  value: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}

function decodeValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

export function decodeAttributes(attributes: KeyValue[] | undefined): DecodedAttributes {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, decodeValue(value)]));
}

// The OTLP/JSON shapes, only as deep as the tests read them.
interface TracesRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: KeyValue[];
        events?: Array<{ name: string; attributes?: KeyValue[] }>;
        status?: { code?: number; message?: string };
      }>;
    }>;
  }>;
}

function flattenSpans(body: unknown): ReceivedSpan[] {
  return ((body as TracesRequest).resourceSpans ?? []).flatMap((rs) => {
    const resource = decodeAttributes(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        attributes: decodeAttributes(span.attributes),
        events: (span.events ?? []).map((e) => ({
          name: e.name,
          attributes: decodeAttributes(e.attributes),
        })),
        status: span.status ?? {},
        resource,
        scope: ss.scope?.name ?? '',
      })),
    );
  });
}

interface MetricsRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: Array<{
      scope?: { name?: string };
      metrics?: Array<
        { name: string; unit?: string } & Record<
          string,
          { dataPoints?: Array<{ attributes?: KeyValue[] }> } | string
        >
      >;
    }>;
  }>;
}

function flattenMetrics(body: unknown): ReceivedMetric[] {
  return ((body as MetricsRequest).resourceMetrics ?? []).flatMap((rm) => {
    const resource = decodeAttributes(rm.resource?.attributes);
    return (rm.scopeMetrics ?? []).flatMap((sm) =>
      (sm.metrics ?? []).map((metric) => {
        const data = Object.values(metric).find(
          (value): value is { dataPoints?: Array<{ attributes?: KeyValue[] }> } =>
            typeof value === 'object' && value !== null && 'dataPoints' in value,
        );
        return {
          name: metric.name,
          unit: metric.unit ?? '',
          scope: sm.scope?.name ?? '',
          resource,
          points: (data?.dataPoints ?? []).map((point) => ({
            attributes: decodeAttributes(point.attributes),
            raw: point as Record<string, unknown>,
          })),
        };
      }),
    );
  });
}
