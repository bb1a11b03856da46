import { describe, expect, it } from 'vitest';
import { appResult } from './harness/app.js';
import { type ReceivedRequest, startOtlpReceiver } from './harness/otlp-receiver.js';
import { useTestBed } from './harness/test-bed.js';

// The collector turns each process's cumulative points into increases (cumulative_to_delta) and takes a point older
// than the last one it saw as a counter reset, which counts calls twice. So a process's metric exports must never be
// in flight together, and must reach the collector in the order they were collected, even when it is slow to answer.
const bed = useTestBed();
const CALLS = 8;

/** The calls a metrics request reports: the count of its gen_ai.client.operation.duration points. */
function callsIn(request: ReceivedRequest): number | undefined {
  const body = JSON.parse(request.body.toString()) as {
    resourceMetrics?: Array<{
      scopeMetrics?: Array<{
        metrics?: Array<{ name: string; histogram?: { dataPoints?: Array<{ count?: string | number }> } }>;
      }>;
    }>;
  };
  const points = (body.resourceMetrics ?? [])
    .flatMap((rm) => rm.scopeMetrics ?? [])
    .flatMap((sm) => sm.metrics ?? [])
    .filter((metric) => metric.name === 'gen_ai.client.operation.duration')
    .flatMap((metric) => metric.histogram?.dataPoints ?? []);
  return points.length === 0 ? undefined : points.reduce((sum, point) => sum + Number(point.count ?? 0), 0);
}

describe('metric exports of one process', () => {
  it('are sent one at a time and reach a collector that answers the first one late in the order they were taken', async () => {
    const otlp = bed.closeAtEnd(await startOtlpReceiver('slow-first-metrics'));
    const run = await bed.runChat(otlp.url, {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '400',
      CALLS: String(CALLS),
      CALL_DELAY_MS: '300',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(appResult(run.stdout)?.results).toHaveLength(CALLS);

    const exports = otlp.requests.filter((request) => request.path === '/v1/metrics');
    // The first answer took 3 s while the app ran about 2.4 s: exports were due while it was outstanding.
    expect(exports.length).toBeGreaterThanOrEqual(2);
    for (const request of exports) expect(request.answeredAt).toBeDefined();
    for (let i = 1; i < exports.length; i++) {
      const [previous, next] = [exports[i - 1], exports[i]];
      // Sent only once the previous one was answered.
      expect(next?.receivedAt, `export ${i + 1} while export ${i} was in flight`).toBeGreaterThanOrEqual(
        previous?.answeredAt ?? Number.POSITIVE_INFINITY,
      );
    }
    // Handled in the order they are answered (as the collector's pipeline does), the counts never go down and end
    // at every call.
    const counts = [...exports]
      .sort((a, b) => (a.answeredAt ?? 0) - (b.answeredAt ?? 0))
      .map(callsIn)
      .filter((count) => count !== undefined);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(CALLS);
  }, 60_000);
});
