import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricPointsOf } from '../../demo/src/otlp-json.mjs';
import {
  assertPackagesBuilt,
  type OtlpReceiver,
  runStart,
  startOtlpReceiver,
} from '../../test-support/run-example.js';

describe('examples/cost-attribution', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    assertPackagesBuilt();
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('prints the cost per feature, and the exported spans and cost metric carry the same per app.feature', async () => {
    const run = await runStart(
      'cost-attribution',
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      30_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const printed = new Map<string, number>();
    for (const m of run.stdout.matchAll(/^ {2}(\S+)\s+(\d+) (calls?)\s+\$(\d+\.\d{6})$/gm)) {
      expect(m[3], m[0]).toBe(m[2] === '1' ? 'call' : 'calls');
      printed.set(String(m[1]), Number(m[4]));
    }
    expect([...printed.keys()].sort()).toEqual(['search', 'summarize', 'support-chat']);

    const spanCost = new Map<string, number>();
    for (const span of receiver.genAiSpans()) {
      const feature = String(span.attributes['app.feature']);
      const cost = span.attributes['gen_ai.usage.cost.amount'];
      expect(typeof cost).toBe('number');
      spanCost.set(feature, (spanCost.get(feature) ?? 0) + (cost as number));
    }
    const metricCost = new Map<string, number>();
    for (const point of receiver.metricExports.flatMap((payload) => metricPointsOf(payload))) {
      if (point.name !== 'aiotel.gen_ai.client.cost') continue;
      const feature = String(point.attributes['app.feature']);
      // Cumulative points: the last export holds the totals.
      metricCost.set(feature, point.value);
    }
    for (const [feature, usd] of printed) {
      expect(spanCost.get(feature)).toBeCloseTo(usd, 6);
      expect(metricCost.get(feature)).toBeCloseTo(usd, 6);
    }
  });
});
