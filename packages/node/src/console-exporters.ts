import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@aiotel/instrumentation-openai';
import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** The prefix of every console telemetry line, so that it stands out from the app's own output. */
const PREFIX = '[aiotel]';

/** Span attributes worth a glance, in the order shown, with their short label. */
const SHOWN_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['http.request.method', 'method'],
  ['http.response.status_code', 'http'],
  ['http.request.resend_count', 'resend'],
];

/**
 * `OTEL_TRACES_EXPORTER=console`: one line per span on stdout, with what matters for an AI call, e.g.
 * `[aiotel] span chat gpt-4o-mini · 412 ms · ok · model gpt-4o-mini · tokens 12 in, 48 out · cost 0.000031 USD · trace 4bf92f35`.
 */
export class ConsoleSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const lines = spans.map(spanLine);
    process.stdout.write(`${lines.join('\n')}\n`);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * `OTEL_METRICS_EXPORTER=console`: at each export, one line per metric point on stdout, e.g.
 * `[aiotel] metric gen_ai.client.operation.duration (s) · count 3, sum 0.41, min 0.09, max 0.2 · gen_ai.request.model=gpt-4o-mini`.
 */
export class ConsoleMetricExporter implements PushMetricExporter {
  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const lines = metrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap(metricLines));
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Totals since start: each export reads on its own. */
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** One readable line for a span. */
export function spanLine(span: ReadableSpan): string {
  const attributes = span.attributes;
  const parts = [`${PREFIX} span ${span.name}`, `${Math.round(hrTimeToMilliseconds(span.duration))} ms`];
  if (span.status.code === SpanStatusCode.ERROR) {
    const type = attributes[ATTR_ERROR_TYPE];
    const message = span.status.message;
    parts.push(`error${type === undefined ? '' : ` ${type}`}${message ? `: ${message}` : ''}`);
  } else {
    parts.push('ok');
  }
  const model = attributes[ATTR_GEN_AI_RESPONSE_MODEL] ?? attributes[ATTR_GEN_AI_REQUEST_MODEL];
  if (model !== undefined) parts.push(`model ${model}`);
  const input = attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS];
  const output = attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];
  if (input !== undefined || output !== undefined)
    parts.push(`tokens ${input ?? '?'} in, ${output ?? '?'} out`);
  const cost = attributes[ATTR_GEN_AI_USAGE_COST_AMOUNT];
  if (cost !== undefined)
    parts.push(`cost ${cost} ${attributes[ATTR_GEN_AI_USAGE_COST_CURRENCY] ?? ''}`.trimEnd());
  for (const [key, label] of SHOWN_ATTRIBUTES) {
    if (attributes[key] !== undefined) parts.push(`${label} ${attributes[key]}`);
  }
  const retries = span.events.filter((event) => event.name === 'aiotel.retry').length;
  if (retries > 0) parts.push(`retries ${retries}`);
  parts.push(`trace ${span.spanContext().traceId.slice(0, 8)}`);
  return parts.join(' · ');
}

/** One readable line per point of a metric. */
export function metricLines(metric: MetricData): string[] {
  const { name, unit } = metric.descriptor;
  const head = `${PREFIX} metric ${name}${unit ? ` (${unit})` : ''}`;
  return metric.dataPoints.map((point) => {
    const value = point.value;
    const reading =
      metric.dataPointType === DataPointType.HISTOGRAM && typeof value === 'object' && 'sum' in value
        ? [
            `count ${value.count}`,
            `sum ${round(value.sum ?? 0)}`,
            ...(value.min !== undefined ? [`min ${round(value.min)}`] : []),
            ...(value.max !== undefined ? [`max ${round(value.max)}`] : []),
          ].join(', ')
        : typeof value === 'number'
          ? String(round(value))
          : `count ${value.count}, sum ${round(value.sum ?? 0)}`;
    const labels = attributeText(point.attributes);
    return labels ? `${head} · ${reading} · ${labels}` : `${head} · ${reading}`;
  });
}

function attributeText(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
}

/** Six significant digits: costs of a millionth of a dollar stay readable, durations are not shown to the nanosecond. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
