/**
 * Prometheus names of the aiotel metrics as the collector's `prometheus` exporter writes them (dots become
 * underscores, `s` becomes `_seconds`, `USD` stays as `_USD`, `{token}`-style units are dropped, counters get
 * `_total`, `1` on a gauge becomes `_ratio`), checked against a real collector by the end-to-end suite.
 * The OpenTelemetry names are in the shared telemetry contract (packages' READMEs).
 */
export const METRIC = {
  duration: 'gen_ai_client_operation_duration_seconds',
  tokenUsage: 'gen_ai_client_token_usage',
  timeToFirstChunk: 'gen_ai_client_operation_time_to_first_chunk_seconds',
  timePerOutputChunk: 'gen_ai_client_operation_time_per_output_chunk_seconds',
  tokens: 'aiotel_gen_ai_client_tokens_total',
  cost: 'aiotel_gen_ai_client_cost_USD',
  unpricedCalls: 'aiotel_gen_ai_client_unpriced_calls_total',
  usageUnknownCalls: 'aiotel_gen_ai_client_usage_unknown_calls_total',
  retries: 'aiotel_resilience_retries_total',
  retryWait: 'aiotel_resilience_retry_wait_seconds',
  breakerState: 'aiotel_resilience_circuit_breaker_state_ratio',
  breakerOpens: 'aiotel_resilience_circuit_breaker_opens_total',
  bulkheadInFlight: 'aiotel_resilience_bulkhead_in_flight',
  bulkheadQueued: 'aiotel_resilience_bulkhead_queued',
  bulkheadQueueWait: 'aiotel_resilience_bulkhead_queue_wait_seconds',
  bulkheadRejections: 'aiotel_resilience_bulkhead_rejections_total',
  fallbacks: 'aiotel_resilience_fallbacks_total',
  budgetSpent: 'aiotel_resilience_budget_spent_USD',
  budgetRefusals: 'aiotel_resilience_budget_refusals_total',
  rateLimitWait: 'aiotel_resilience_rate_limit_wait_seconds',
  providerWindowHold: 'aiotel_resilience_provider_window_hold_seconds',
  storeDuration: 'aiotel_resilience_store_duration_seconds',
  storeErrors: 'aiotel_resilience_store_errors_total',
  storeOutages: 'aiotel_resilience_store_outages_total',
  /** From the collector's span_metrics connector (GenAI spans only), the one histogram with exemplars. */
  spanDuration: 'aiotel_genai_spans_duration_seconds',
} as const;

/**
 * The server variable's matcher. GenAI and resilience metrics name the server the conventions' way: the host in
 * `server_address`, the port in `server_port` (never `host:port` in one label), so one variable filters both and
 * their series join `on (server_address, server_port)`.
 */
const SERVER = 'server_address=~"$server"';

/** Label matchers for the GenAI metrics: every dashboard variable applies. */
export const GENAI_FILTER = `service_name=~"$service",gen_ai_provider_name=~"$provider",${SERVER},gen_ai_request_model=~"$model"`;

/**
 * Label matchers for the resilience metrics: they carry the server and model but not the provider. A regex `.*`
 * also matches a missing label, so metrics recorded without a model (a shared bulkhead) still show under "All".
 */
export const RESILIENCE_FILTER = `service_name=~"$service",${SERVER},gen_ai_request_model=~"$model"`;

/** Label matchers for the server-wide resilience metrics, which have no model label (bulkhead, fallbacks). */
export const SERVER_FILTER = `service_name=~"$service",${SERVER}`;

/** Label matchers for metrics of the whole service (budget). */
export const SERVICE_FILTER = 'service_name=~"$service"';

/** `metric{matchers,extra}`. */
export function select(metric: string, matchers: string, extra?: string): string {
  return `${metric}{${extra ? `${matchers},${extra}` : matchers}}`;
}

/** The dashboards' variables (service, provider, server, model), each narrowing the next. */
export const VARIABLES = [
  {
    name: 'service',
    label: 'Service',
    query: `label_values(${METRIC.duration}_count, service_name)`,
  },
  {
    name: 'provider',
    label: 'Provider',
    query: `label_values(${METRIC.duration}_count{service_name=~"$service"}, gen_ai_provider_name)`,
  },
  {
    name: 'server',
    label: 'Server',
    query: `label_values(${METRIC.duration}_count{service_name=~"$service",gen_ai_provider_name=~"$provider"}, server_address)`,
  },
  {
    name: 'model',
    label: 'Model',
    query: `label_values(${METRIC.duration}_count{service_name=~"$service",gen_ai_provider_name=~"$provider",${SERVER}}, gen_ai_request_model)`,
  },
];
