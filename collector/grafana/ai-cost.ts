import { bargauge, type DashboardSpec, stat, timeseries } from './dashboard-model.ts';
import { GENAI_FILTER, METRIC, select, VARIABLES } from './selectors.ts';

const cost = (suffix: string, extra?: string) => select(`${METRIC.cost}_${suffix}`, GENAI_FILTER, extra);
const tokens = (type: string) => select(METRIC.tokens, GENAI_FILTER, `gen_ai_token_type="${type}"`);

const usageUnknown = select(METRIC.usageUnknownCalls, GENAI_FILTER);
// Calls that were answered: the duration histogram counts every call once, failures with an error_type label.
const answered = select(`${METRIC.duration}_count`, GENAI_FILTER, 'error_type=""');

/** Spend per hour, grouped by one label. */
function spendRateBy(label: string): string {
  return `sum by (${label}) (rate(${cost('sum')}[$__rate_interval])) * 3600`;
}

/** The "AI cost" dashboard: what the AI calls cost, where, and for which feature. */
export const aiCost: DashboardSpec = {
  uid: 'aiotel-ai-cost',
  title: 'AI cost',
  description:
    'Spend on AI API calls from aiotel telemetry: by model, provider, service and feature (app.feature), cost per call, tokens and cache use.',
  tags: ['aiotel', 'genai', 'cost'],
  variables: VARIABLES,
  rows: [
    [
      stat({
        title: 'Spend today',
        description:
          'USD spent since midnight (dashboard time zone): increase of the summed call cost. Prometheus extrapolates at the edges of a series, so for processes that lived only seconds the figure is approximate.',
        unit: 'currencyUSD',
        decimals: 4,
        timeFrom: 'now/d',
        queries: [{ expr: `sum(increase(${cost('sum')}[$__range]))` }],
      }),
      stat({
        title: 'Projected spend per day',
        description: 'Spend rate of the last hour, times 24 hours.',
        unit: 'currencyUSD',
        decimals: 4,
        queries: [{ expr: `sum(rate(${cost('sum')}[1h])) * 86400` }],
      }),
      stat({
        title: 'Projected spend per month',
        description: 'Spend rate of the last hour, times 30 days.',
        unit: 'currencyUSD',
        decimals: 2,
        queries: [{ expr: `sum(rate(${cost('sum')}[1h])) * 86400 * 30` }],
      }),
      stat({
        title: 'Unpriced calls',
        description:
          'Calls in the time range whose model had no price (not in the price table and no override): their cost is missing from every other panel. 0 is the expected answer: every call was priced.',
        unit: 'short',
        decimals: 0,
        queries: [
          { expr: `sum(increase(${select(METRIC.unpricedCalls, GENAI_FILTER)}[$__range])) or vector(0)` },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Spend rate by model',
        description: 'USD per hour spent on calls to each requested model (gen_ai.request.model).',
        unit: 'currencyUSD',
        queries: [{ expr: spendRateBy('gen_ai_request_model'), legend: '{{gen_ai_request_model}}' }],
      }),
      timeseries({
        title: 'Spend rate by provider',
        description:
          'USD per hour by provider (gen_ai.provider.name: openai, anthropic, gcp.gemini, ...), also when a relay serves them.',
        unit: 'currencyUSD',
        queries: [{ expr: spendRateBy('gen_ai_provider_name'), legend: '{{gen_ai_provider_name}}' }],
      }),
    ],
    [
      timeseries({
        title: 'Spend rate by service',
        description: 'USD per hour by the service that made the calls (resource attribute service.name).',
        unit: 'currencyUSD',
        queries: [{ expr: spendRateBy('service_name'), legend: '{{service_name}}' }],
      }),
      timeseries({
        title: 'Spend rate by feature',
        description:
          'USD per hour by the feature the calls were made for (app.feature, set with withAttributes()). "(none)" is spend without a feature attribute.',
        unit: 'currencyUSD',
        queries: [
          {
            expr: `label_replace(${spendRateBy('app_feature')}, "app_feature", "(none)", "app_feature", "")`,
            legend: '{{app_feature}}',
          },
        ],
      }),
    ],
    [
      bargauge({
        title: 'Spend by feature in the time range',
        description:
          'USD per feature (app.feature) over the selected time range; "(none)" is spend without a feature attribute.',
        unit: 'currencyUSD',
        decimals: 4,
        queries: [
          {
            expr: `label_replace(sum by (app_feature) (increase(${cost('sum')}[$__range])), "app_feature", "(none)", "app_feature", "")`,
            legend: '{{app_feature}}',
          },
        ],
      }),
      timeseries({
        title: 'Cost per call (p50 / p95)',
        description:
          'Median and 95th percentile cost of one call, by model, from the cost histogram (buckets from $0.00001 to $5, so values are bucket estimates).',
        unit: 'currencyUSD',
        queries: [
          {
            expr: `histogram_quantile(0.5, sum by (le, gen_ai_request_model) (rate(${cost('bucket')}[$__rate_interval])))`,
            legend: 'p50 {{gen_ai_request_model}}',
            exemplar: true,
          },
          {
            expr: `histogram_quantile(0.95, sum by (le, gen_ai_request_model) (rate(${cost('bucket')}[$__rate_interval])))`,
            legend: 'p95 {{gen_ai_request_model}}',
            exemplar: true,
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Tokens per second by type',
        description:
          'Tokens per second: input and output, and their parts: cache_read and cache_creation are part of input, reasoning is part of output.',
        unit: 'suffix: tokens/s',
        queries: [
          {
            expr: `sum by (gen_ai_token_type) (rate(${select(METRIC.tokens, GENAI_FILTER)}[$__rate_interval]))`,
            legend: '{{gen_ai_token_type}}',
          },
        ],
      }),
      timeseries({
        title: 'Prompt cache hit ratio',
        description:
          'Share of input tokens read from the provider prompt cache (cache_read / input), by model. 0 means no call in the window read from the cache.',
        unit: 'percentunit',
        queries: [
          {
            expr: `(sum by (gen_ai_request_model) (rate(${tokens('cache_read')}[$__rate_interval])) or 0 * sum by (gen_ai_request_model) (rate(${tokens('input')}[$__rate_interval]))) / sum by (gen_ai_request_model) (rate(${tokens('input')}[$__rate_interval]))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Tokens per call (p95)',
        description:
          '95th percentile of input and output tokens of one call, by model and token type (gen_ai.client.token.usage histogram).',
        unit: 'short',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, gen_ai_request_model, gen_ai_token_type) (rate(${select(`${METRIC.tokenUsage}_bucket`, GENAI_FILTER)}[$__rate_interval])))`,
            legend: '{{gen_ai_token_type}} {{gen_ai_request_model}}',
          },
        ],
      }),
      timeseries({
        title: 'Priced calls per second by model',
        description: 'Calls that got a cost, per second, by model: the denominator behind the cost per call.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (gen_ai_request_model) (rate(${cost('count')}[$__rate_interval]))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
    ],
    [
      stat({
        title: 'Calls without usage',
        description:
          'Share of answered calls in the time range that came back without token usage (a relay that ignores stream_options, injectStreamUsage off, a stream left early): their tokens and cost are missing from every other panel, not counted as 0. 0 is the expected answer.',
        unit: 'percentunit',
        decimals: 1,
        height: 8,
        queries: [
          {
            expr: `(sum(increase(${usageUnknown}[$__range])) or vector(0)) / sum(increase(${answered}[$__range]))`,
          },
        ],
      }),
      timeseries({
        title: 'Share of calls without usage by model',
        description:
          'Answered calls without token usage, as a share of answered calls, by model (aiotel.gen_ai.client.usage_unknown_calls over calls without error.type). 0 means every call reported its usage.',
        unit: 'percentunit',
        width: 18,
        queries: [
          {
            expr: `(sum by (gen_ai_request_model) (rate(${usageUnknown}[$__rate_interval])) or 0 * sum by (gen_ai_request_model) (rate(${answered}[$__rate_interval]))) / sum by (gen_ai_request_model) (rate(${answered}[$__rate_interval]))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
    ],
  ],
};
