import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './harness/app.js';
import { useAppBed } from './harness/app-bed.js';
import { decodeAttributes, type ReceivedRequest } from './harness/otlp-receiver.js';

// The GenAI metrics of an app under the preload (aggregated by its MetricProducer) against the same app on an SDK it
// assembles itself (the SDK's own aggregation): the same OTLP points, export by export, cumulative and delta.

const AIOTEL_NODE_ENTRY = join(PACKAGE_DIR, 'dist', 'index.cjs');
const SCOPE = '@aiotel/instrumentation-openai';
// Their values are times: equal in count and buckets bounds, not in the exact seconds of two runs.
const TIMED = new Set([
  'gen_ai.client.operation.duration',
  'gen_ai.client.operation.time_to_first_chunk',
  'gen_ai.client.operation.time_per_output_chunk',
]);

interface OtlpPoint {
  attributes?: { key: string; value: Record<string, unknown> }[];
  count?: string | number;
  sum?: number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
  asDouble?: number;
  asInt?: string | number;
}
interface OtlpData {
  dataPoints: OtlpPoint[];
  aggregationTemporality?: number;
  isMonotonic?: boolean;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  description?: string;
  histogram?: OtlpData;
  sum?: OtlpData;
}
interface MetricsBody {
  resourceMetrics: { scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
}

/** Each metrics export of the run: the GenAI metrics as an exporter sent them, in a comparable order. */
function genAiExports(requests: readonly ReceivedRequest[]): unknown[] {
  return requests
    .filter((request) => request.path === '/v1/metrics')
    .map((request) => {
      const body = JSON.parse(request.body.toString()) as MetricsBody;
      const metrics = body.resourceMetrics
        .flatMap((rm) => rm.scopeMetrics)
        .filter((sm) => sm.scope.name === SCOPE)
        .flatMap((sm) => sm.metrics);
      return metrics.map(comparable).sort((a, b) => a.name.localeCompare(b.name));
    });
}

function comparable(metric: OtlpMetric) {
  const kind = metric.histogram !== undefined ? 'histogram' : 'sum';
  const data = (metric.histogram ?? metric.sum) as OtlpData;
  const timed = TIMED.has(metric.name);
  const points = data.dataPoints.map((point) => {
    const counts = (point.bucketCounts ?? []).map(Number);
    return {
      attributes: JSON.stringify(Object.entries(decodeAttributes(point.attributes as never)).sort()),
      count: point.count === undefined ? undefined : Number(point.count),
      explicitBounds: point.explicitBounds,
      // Times differ from run to run: only how many there are, and that the buckets hold all of them.
      sum: timed ? undefined : point.sum,
      bucketCounts: timed ? counts.reduce((a, b) => a + b, 0) : counts,
      value: point.asDouble ?? (point.asInt === undefined ? undefined : Number(point.asInt)),
    };
  });
  points.sort((a, b) => a.attributes.localeCompare(b.attributes));
  return {
    name: metric.name,
    unit: metric.unit,
    description: metric.description,
    kind,
    temporality: data.aggregationTemporality,
    monotonic: data.isMonotonic,
    points,
  };
}

describe('GenAI metrics of an app under the preload (aggregated without the SDK) and on a plain SDK', () => {
  const bed = useAppBed();

  for (const temporality of ['cumulative', 'delta'] as const) {
    it(`are the same OTLP points, export by export (${temporality})`, async () => {
      const env = {
        AIOTEL_NODE_ENTRY,
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: temporality,
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
        AIOTEL_METRIC_ATTRIBUTES: 'app.feature',
      };
      const preload = await bed.run('metrics.cjs', ['--require', '@aiotel/node/register'], {
        ...env,
        MODE: 'preload',
      });
      const sdk = await bed.run('metrics.cjs', [], { ...env, MODE: 'sdk' });
      const aggregated = genAiExports(preload.requests);
      const plain = genAiExports(sdk.requests);
      expect(plain).toHaveLength(2);
      expect(aggregated).toEqual(plain);

      // What the comparison rests on: every GenAI metric is there, in the temporality asked for.
      const [first, second] = plain as {
        name: string;
        temporality: number;
        points: { value?: number }[];
      }[][];
      expect(first?.map((m) => m.name)).toEqual([
        'aiotel.gen_ai.client.cost',
        'aiotel.gen_ai.client.tokens',
        'gen_ai.client.operation.duration',
        'gen_ai.client.operation.time_per_output_chunk',
        'gen_ai.client.operation.time_to_first_chunk',
        'gen_ai.client.token.usage',
      ]);
      const otlpTemporality = temporality === 'delta' ? 1 : 2;
      for (const metric of [...(first ?? []), ...(second ?? [])])
        expect(metric.temporality).toBe(otlpTemporality);
      // Delta: the second export has only the second round (no embeddings, no failed call).
      const durations = (second ?? []).find((m) => m.name === 'gen_ai.client.operation.duration');
      expect(durations?.points).toHaveLength(temporality === 'delta' ? 2 : 4);
    });
  }
});
