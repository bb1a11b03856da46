import { getJson } from './wait.js';

/** A span as Jaeger's HTTP query API (`/api/traces`) returns it. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; type: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; value: unknown }[] }[];
  processID: string;
}

/** A trace from Jaeger's HTTP query API. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** The value of tag `key` on `span`, or undefined. */
export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

/** The span events (Jaeger "logs") of `span` named `name`. */
export function events(span: JaegerSpan, name: string): JaegerSpan['logs'] {
  return span.logs.filter((log) => log.fields.some((f) => f.key === 'event' && f.value === name));
}

/** The id of the span's parent in the same trace, or undefined for a root span. */
export function parentId(span: JaegerSpan): string | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
}

/** Every trace of `service` in the last hour (up to `limit`). */
export async function tracesOf(jaegerUrl: string, service: string, limit = 5000): Promise<JaegerTrace[]> {
  const params = new URLSearchParams({ service, lookback: '1h', limit: String(limit) });
  const body = await getJson<{ data: JaegerTrace[] | null }>(`${jaegerUrl}/api/traces?${params}`);
  return body?.data ?? [];
}
