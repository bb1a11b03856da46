import { describe, expect, it } from 'vitest';
import { MetricTotals } from '../src/metric-totals.mjs';

/** One cumulative histogram export of `aiotel.gen_ai.client.cost` from `scope`, the same attributes each time. */
function costExport(scope: string, sum: number) {
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            scope: { name: scope },
            metrics: [
              {
                name: 'aiotel.gen_ai.client.cost',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      sum,
                      attributes: [
                        { key: 'gen_ai.request.model', value: { stringValue: 'claude-sonnet-4-5' } },
                      ],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('MetricTotals', () => {
  it('keeps one stream per instrumentation scope when two record the same metric and attributes', () => {
    const totals = new MetricTotals();
    totals.addOtlpMetrics(costExport('@aiotel/instrumentation-openai', 0.25));
    totals.addOtlpMetrics(costExport('@aiotel/instrumentation-anthropic', 0.5));
    totals.addOtlpMetrics(costExport('@aiotel/instrumentation-openai', 0.75));
    expect(totals.total('aiotel.gen_ai.client.cost')).toBe(1.25);
  });
});
