// @ts-check
/**
 * Reading OTLP/HTTP JSON payloads (`ExportTraceServiceRequest`, `ExportMetricsServiceRequest`) into plain
 * objects. Only what the summary needs; anything malformed is skipped, never thrown.
 */

/**
 * A span as the summary needs it.
 *
 * @typedef {object} SpanFacts
 * @property {string} name
 * @property {Record<string, unknown>} attributes
 * @property {number} durationS
 * @property {boolean} error status code ERROR
 * @property {{ name: string, attributes: Record<string, unknown> }[]} events
 */

/**
 * One metric data point: the value is the histogram sum, or the counter / gauge value.
 *
 * @typedef {object} MetricPoint
 * @property {string} name
 * @property {string} scope the instrumentation scope that recorded it (two scopes may share a name and attributes)
 * @property {Record<string, unknown>} attributes
 * @property {number} value
 * @property {boolean} cumulative false for delta temporality (the point is an increment)
 */

/** OTLP `Status.code` for ERROR. */
const STATUS_ERROR = 2;
/** OTLP `AggregationTemporality` DELTA. */
const TEMPORALITY_DELTA = 1;

/**
 * The array, or an empty one. Items are `any`: OTLP JSON is untyped input, every field read is checked.
 *
 * @param {unknown} value
 * @returns {any[]}
 */
const list = (value) => (Array.isArray(value) ? value : []);

/**
 * An OTLP `AnyValue` as a JS value (int64 arrives as a number or a string).
 *
 * @param {any} value
 * @returns {unknown}
 */
export function anyValue(value) {
  if (value === null || typeof value !== 'object') return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return list(value.arrayValue?.values).map(anyValue);
  return undefined;
}

/**
 * OTLP `KeyValue[]` as a record.
 *
 * @param {unknown} keyValues
 * @returns {Record<string, unknown>}
 */
export function attributesOf(keyValues) {
  /** @type {Record<string, unknown>} */
  const result = {};
  for (const entry of list(keyValues)) {
    if (typeof entry?.key === 'string') result[entry.key] = anyValue(entry.value);
  }
  return result;
}

/** @param {unknown} nanos */
function toBigInt(nanos) {
  try {
    return typeof nanos === 'string' || typeof nanos === 'number' ? BigInt(nanos) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every span of an `ExportTraceServiceRequest`.
 *
 * @param {any} payload
 * @returns {SpanFacts[]}
 */
export function spansOf(payload) {
  /** @type {SpanFacts[]} */
  const spans = [];
  for (const resourceSpans of list(payload?.resourceSpans)) {
    for (const scopeSpans of list(resourceSpans?.scopeSpans)) {
      for (const span of list(scopeSpans?.spans)) {
        const start = toBigInt(span?.startTimeUnixNano);
        const end = toBigInt(span?.endTimeUnixNano);
        spans.push({
          name: String(span?.name ?? ''),
          attributes: attributesOf(span?.attributes),
          durationS: start !== undefined && end !== undefined ? Number(end - start) / 1e9 : 0,
          error: span?.status?.code === STATUS_ERROR,
          events: list(span?.events).map((event) => ({
            name: String(event?.name ?? ''),
            attributes: attributesOf(event?.attributes),
          })),
        });
      }
    }
  }
  return spans;
}

/**
 * Every data point of an `ExportMetricsServiceRequest` (histograms give their sum, counters and gauges their
 * value).
 *
 * @param {any} payload
 * @returns {MetricPoint[]}
 */
export function metricPointsOf(payload) {
  /** @type {MetricPoint[]} */
  const points = [];
  for (const resourceMetrics of list(payload?.resourceMetrics)) {
    for (const scopeMetrics of list(resourceMetrics?.scopeMetrics)) {
      const scope = String(scopeMetrics?.scope?.name ?? '');
      for (const metric of list(scopeMetrics?.metrics)) {
        const name = String(metric?.name ?? '');
        const data = metric?.histogram ?? metric?.sum ?? metric?.gauge;
        const cumulative = data?.aggregationTemporality !== TEMPORALITY_DELTA || metric?.gauge !== undefined;
        for (const point of list(data?.dataPoints)) {
          const value = metric?.histogram ? point?.sum : (point?.asDouble ?? point?.asInt);
          const number = Number(value ?? 0);
          if (!Number.isFinite(number)) continue;
          points.push({
            name,
            scope,
            attributes: attributesOf(point?.attributes),
            value: number,
            cumulative,
          });
        }
      }
    }
  }
  return points;
}
