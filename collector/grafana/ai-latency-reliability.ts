import { type DashboardSpec, stat, stateTimeline, timeseries } from './dashboard-model.ts';
import {
  GENAI_FILTER,
  METRIC,
  RESILIENCE_FILTER,
  SERVER_FILTER,
  SERVICE_FILTER,
  select,
  VARIABLES,
} from './selectors.ts';

/** `histogram_quantile(q, ...)` of a seconds histogram grouped by `by` (plus `le`). */
function quantile(q: number, metric: string, filter: string, by: string): string {
  return `histogram_quantile(${q}, sum by (le, ${by}) (rate(${select(`${metric}_bucket`, filter)}[$__rate_interval])))`;
}

const calls = (extra?: string) => select(`${METRIC.duration}_count`, GENAI_FILTER, extra);

/** The "AI latency and reliability" dashboard: how fast and how reliably the AI calls complete. */
export const aiLatencyReliability: DashboardSpec = {
  uid: 'aiotel-ai-latency-reliability',
  title: 'AI latency and reliability',
  description:
    'Latency, time to first chunk, throughput and errors of AI API calls, and what the resilience policies did: retries, circuit breakers, bulkhead, budget.',
  tags: ['aiotel', 'genai', 'latency', 'reliability'],
  variables: VARIABLES,
  rows: [
    [
      stat({
        title: 'Calls per second',
        description: 'Logical calls per second (one per operation, however many HTTP attempts it took).',
        unit: 'reqps',
        queries: [{ expr: `sum(rate(${calls()}[$__rate_interval]))` }],
      }),
      stat({
        title: 'Error ratio',
        description:
          'Share of calls that ended in an error (error.type set) after retries and fallbacks. 0 when every call succeeded.',
        unit: 'percentunit',
        queries: [
          {
            expr: `(sum(rate(${calls('error_type!=""')}[$__rate_interval])) or vector(0)) / sum(rate(${calls()}[$__rate_interval]))`,
          },
        ],
      }),
      stat({
        title: 'Circuit breaker opens',
        description:
          'Times a circuit breaker opened in the time range, all keys together. 0 is the normal answer: no breaker opened.',
        unit: 'short',
        decimals: 0,
        queries: [
          {
            expr: `sum(increase(${select(METRIC.breakerOpens, RESILIENCE_FILTER)}[$__range])) or vector(0)`,
          },
        ],
      }),
      stat({
        title: 'Budget refusals',
        description:
          'Calls refused by the spend budget in the time range (BudgetExceededError). 0 when no budget is configured or it was never reached.',
        unit: 'short',
        decimals: 0,
        queries: [
          {
            expr: `sum(increase(${select(METRIC.budgetRefusals, RESILIENCE_FILTER)}[$__range])) or vector(0)`,
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Call duration p50 / p95 / p99 by model',
        description:
          'End-to-end duration of one logical call (retries and queueing included) by model, from gen_ai.client.operation.duration. Exemplar dots link to the trace.',
        unit: 's',
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: quantile(q, METRIC.duration, GENAI_FILTER, 'gen_ai_request_model'),
          legend: `p${Math.round(q * 100)} {{gen_ai_request_model}}`,
          exemplar: true,
        })),
      }),
      timeseries({
        title: 'Time to first chunk p50 / p95 by model',
        description:
          'Streaming calls only: time from the request to the first chunk, by model (gen_ai.client.operation.time_to_first_chunk).',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({
          expr: quantile(q, METRIC.timeToFirstChunk, GENAI_FILTER, 'gen_ai_request_model'),
          legend: `p${Math.round(q * 100)} {{gen_ai_request_model}}`,
          exemplar: true,
        })),
      }),
    ],
    [
      timeseries({
        title: 'Call duration p95 by model, with trace links',
        description:
          'The same duration measured on the GenAI spans by the collector (span_metrics connector). Its buckets carry the trace ids of sampled calls as exemplars: click a dot to open that call in Jaeger.',
        unit: 's',
        width: 24,
        queries: [
          {
            expr: quantile(0.95, METRIC.spanDuration, GENAI_FILTER, 'gen_ai_request_model'),
            legend: 'p95 {{gen_ai_request_model}}',
            exemplar: true,
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Throughput by model',
        description: 'Logical calls per second by model, successful or not.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (gen_ai_request_model) (rate(${calls()}[$__rate_interval]))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
      timeseries({
        title: 'Time per output chunk p50 / p95 by model',
        description:
          'Streaming calls only: time between consecutive chunks after the first, by model (gen_ai.client.operation.time_per_output_chunk).',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({
          expr: quantile(q, METRIC.timePerOutputChunk, GENAI_FILTER, 'gen_ai_request_model'),
          legend: `p${Math.round(q * 100)} {{gen_ai_request_model}}`,
        })),
      }),
    ],
    [
      timeseries({
        title: 'Errors per second by error.type',
        description:
          'Calls that failed after retries and fallbacks, per second, by error.type (HTTP status such as 429 or 500, or an error class such as CircuitOpenError).',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (error_type) (rate(${calls('error_type!=""')}[$__rate_interval]))`,
            legend: '{{error_type}}',
          },
        ],
      }),
      timeseries({
        title: 'Error ratio by model',
        description: 'Share of calls to each model that failed. 0 means every call to that model succeeded.',
        unit: 'percentunit',
        queries: [
          {
            expr: `(sum by (gen_ai_request_model) (rate(${calls('error_type!=""')}[$__rate_interval])) or 0 * sum by (gen_ai_request_model) (rate(${calls()}[$__rate_interval]))) / sum by (gen_ai_request_model) (rate(${calls()}[$__rate_interval]))`,
            legend: '{{gen_ai_request_model}}',
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Retries per second by reason',
        description:
          'HTTP attempts retried per second, by reason (aiotel.retry.reason: 429, 529, 500, connection_error, timeout, ...).',
        unit: 'suffix: retries/s',
        queries: [
          {
            expr: `sum by (aiotel_retry_reason) (rate(${select(METRIC.retries, RESILIENCE_FILTER)}[$__rate_interval]))`,
            legend: '{{aiotel_retry_reason}}',
          },
        ],
      }),
      timeseries({
        title: 'Retry wait p95 by reason',
        description:
          '95th percentile of the wait before a retry (backoff with jitter, or the Retry-After the provider asked for), by reason.',
        unit: 's',
        queries: [
          {
            expr: quantile(0.95, METRIC.retryWait, RESILIENCE_FILTER, 'aiotel_retry_reason'),
            legend: '{{aiotel_retry_reason}}',
          },
        ],
      }),
    ],
    [
      stateTimeline({
        title: 'Circuit breaker state',
        description:
          'State of each circuit breaker over time, by key (server/model): closed (calls flow), open (calls fail fast), half-open (one trial call).',
        unit: 'none',
        mappings: [
          { value: 0, text: 'closed', color: 'green' },
          { value: 1, text: 'open', color: 'red' },
          { value: 2, text: 'half-open', color: 'yellow' },
        ],
        queries: [
          {
            expr: `max by (aiotel_policy_key) (${select(METRIC.breakerState, RESILIENCE_FILTER)})`,
            legend: '{{aiotel_policy_key}}',
          },
        ],
      }),
      timeseries({
        title: 'Fallbacks per second',
        description:
          'Calls answered by a fallback model, per second, by from and to model. 0 when no fallback happened (or none is configured).',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (aiotel_fallback_from_model, aiotel_fallback_to_model) (rate(${select(METRIC.fallbacks, SERVER_FILTER)}[$__rate_interval])) or vector(0)`,
            legend: '{{aiotel_fallback_from_model}} → {{aiotel_fallback_to_model}}',
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Bulkhead: in flight and queued',
        description:
          'Requests holding a concurrency slot (in flight) and waiting for one (queued), all processes together: with a shared store (Redis) the in-flight line is the global count the one limit applies to. Queued above zero for long means the limit is too low for the load.',
        unit: 'short',
        queries: [
          { expr: `sum(${select(METRIC.bulkheadInFlight, SERVER_FILTER)})`, legend: 'in flight' },
          { expr: `sum(${select(METRIC.bulkheadQueued, SERVER_FILTER)})`, legend: 'queued' },
        ],
      }),
      timeseries({
        title: 'Bulkhead queue wait p50 / p95',
        description: 'Time a request waited in the bulkhead queue before it got a slot.',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (rate(${select(`${METRIC.bulkheadQueueWait}_bucket`, SERVER_FILTER)}[$__rate_interval])))`,
          legend: `p${Math.round(q * 100)}`,
        })),
      }),
    ],
    [
      timeseries({
        title: 'Bulkhead rejections per second',
        width: 8,
        description:
          'Requests rejected because the bulkhead queue was full (BulkheadRejectedError). 0 when nothing was rejected.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum(rate(${select(METRIC.bulkheadRejections, SERVER_FILTER)}[$__rate_interval])) or vector(0)`,
          },
        ],
      }),
      timeseries({
        title: 'Budget: spend in the current window',
        description:
          'Spend counted by the budget policy in its current window. 0 when no budget is configured.',
        unit: 'currencyUSD',
        width: 8,
        queries: [
          {
            expr: `max(${select(METRIC.budgetSpent, SERVICE_FILTER)}) or vector(0)`,
            legend: 'spent in window',
          },
        ],
      }),
      timeseries({
        title: 'Budget refusals per second',
        description:
          'Calls refused by the budget policy per second (BudgetExceededError). 0 when no budget is configured or it was never reached.',
        unit: 'reqps',
        width: 8,
        queries: [
          {
            expr: `sum(rate(${select(METRIC.budgetRefusals, SERVICE_FILTER)}[$__rate_interval])) or vector(0)`,
            legend: 'refusals',
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Shared waits per second: rate limit and provider window',
        description:
          'Calls that waited for rate-limit capacity (by kind: requests, tokens) or were held because the provider said its rate-limit window was spent (x-ratelimit-remaining 0, or a 429 with retry-after), per second. 0 when nothing waited.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (aiotel_rate_limit_kind) (rate(${select(`${METRIC.rateLimitWait}_count`, SERVER_FILTER)}[$__rate_interval])) or vector(0)`,
            legend: 'rate limit {{aiotel_rate_limit_kind}}',
          },
          {
            expr: `sum(rate(${select(`${METRIC.providerWindowHold}_count`, RESILIENCE_FILTER)}[$__rate_interval])) or vector(0)`,
            legend: 'provider window hold',
          },
        ],
      }),
      timeseries({
        title: 'Shared waits p95',
        description:
          '95th percentile of the time a call waited for rate-limit capacity, and of the time it was held for the provider window to reset. 0 when nothing waited.',
        unit: 's',
        queries: [
          {
            expr: `${quantile(0.95, METRIC.rateLimitWait, SERVER_FILTER, 'aiotel_rate_limit_kind')} or vector(0)`,
            legend: 'rate limit {{aiotel_rate_limit_kind}}',
          },
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(${select(`${METRIC.providerWindowHold}_bucket`, RESILIENCE_FILTER)}[$__rate_interval]))) or vector(0)`,
            legend: 'provider window hold',
          },
        ],
      }),
    ],
    [
      timeseries({
        title: 'Shared store latency p95 by operation',
        description:
          'Store health: 95th percentile duration of the operations on the shared store (Redis) by operation (acquire_slot, release_slot, window_take, ...). Each has its own deadline (storeTimeoutMs, 250 ms by default). 0 when no store is configured.',
        unit: 's',
        queries: [
          {
            expr: `${quantile(0.95, METRIC.storeDuration, SERVICE_FILTER, 'aiotel_store_operation')} or vector(0)`,
            legend: '{{aiotel_store_operation}}',
          },
        ],
      }),
      timeseries({
        title: 'Shared store errors and outages per second',
        description:
          'Store health: operations on the shared store that failed or missed their deadline, by operation, and outages begun (each one warning; while it lasts the limits are per process, or calls are refused with StoreUnavailableError). 0 when the store is healthy or not configured.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (aiotel_store_operation) (rate(${select(METRIC.storeErrors, SERVICE_FILTER)}[$__rate_interval])) or vector(0)`,
            legend: 'errors {{aiotel_store_operation}}',
          },
          {
            expr: `sum(rate(${select(METRIC.storeOutages, SERVICE_FILTER)}[$__rate_interval])) or vector(0)`,
            legend: 'outages',
          },
        ],
      }),
    ],
  ],
};
