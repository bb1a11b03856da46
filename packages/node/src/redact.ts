import type { Redactor } from '@aiotel/genai-core';
import type { Attributes, Link } from '@opentelemetry/api';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

/**
 * A redacted view of a finished span: the same span when nothing needed scrubbing, else a copy whose name,
 * attributes, events, links and status message are scrubbed (the original stays untouched for other processors).
 */
export function redactSpan(span: ReadableSpan, redactor: Redactor): ReadableSpan {
  const name = redactor.redactString(span.name);
  const attributes = redactor.redactAttributes(span.attributes);
  // Most spans have neither events nor links: no closure for them.
  const events =
    span.events.length === 0
      ? span.events
      : mapIfChanged(span.events, (event) => redactEvent(event, redactor));
  const links =
    span.links.length === 0 ? span.links : mapIfChanged(span.links, (link) => redactLink(link, redactor));
  const message = span.status.message === undefined ? undefined : redactor.redactString(span.status.message);
  if (
    name === span.name &&
    attributes === span.attributes &&
    events === span.events &&
    links === span.links &&
    message === span.status.message
  ) {
    return span;
  }
  return {
    name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: message === span.status.message ? span.status : { ...span.status, message },
    attributes,
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function redactEvent(event: TimedEvent, redactor: Redactor): TimedEvent {
  const name = redactor.redactString(event.name);
  const attributes = event.attributes && redactor.redactAttributes(event.attributes);
  if (name === event.name && attributes === event.attributes) return event;
  return { ...event, name, attributes };
}

function redactLink(link: Link, redactor: Redactor): Link {
  const attributes = link.attributes && redactor.redactAttributes(link.attributes);
  return attributes === link.attributes ? link : { ...link, attributes };
}

/** Metric points with their attributes scrubbed; the same object when nothing needed scrubbing. */
export function redactMetrics(metrics: ResourceMetrics, redactor: Redactor): ResourceMetrics {
  const scopeMetrics = mapIfChanged(metrics.scopeMetrics, (scope) => {
    const redacted = mapIfChanged(scope.metrics, (metric) => redactMetric(metric, redactor));
    return redacted === scope.metrics ? scope : { ...scope, metrics: redacted };
  });
  return scopeMetrics === metrics.scopeMetrics ? metrics : { ...metrics, scopeMetrics };
}

function redactMetric(metric: MetricData, redactor: Redactor): MetricData {
  const dataPoints = mapIfChanged<{ readonly attributes: Attributes }>(metric.dataPoints, (point) => {
    const attributes = redactor.redactAttributes(point.attributes);
    return attributes === point.attributes ? point : { ...point, attributes };
  });
  // The point shapes are unchanged (only attributes differ), so the union member is preserved.
  return dataPoints === metric.dataPoints ? metric : ({ ...metric, dataPoints } as MetricData);
}

/** `items.map(fn)`, but returns `items` itself when `fn` returned every item unchanged. */
function mapIfChanged<T>(items: readonly T[], fn: (item: T) => T): T[] {
  let copy: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const mapped = fn(item);
    if (mapped !== item) {
      copy ??= items.slice();
      copy[i] = mapped;
    }
  }
  return copy ?? (items as T[]);
}
