// @ts-check
/**
 * The resilience and cost facts the demo reads from the exported metrics (names from the shared telemetry
 * contract), next to the per-call facts it reads from the spans.
 *
 * @typedef {import('./metric-totals.mjs').MetricTotals} MetricTotals
 */

/**
 * @typedef {object} MetricFacts
 * @property {number | null} costUsd sum of `aiotel.gen_ai.client.cost` (what a metrics backend holds)
 * @property {number} unpricedCalls `aiotel.gen_ai.client.unpriced_calls`
 * @property {Record<string, number>} retriesByReason `aiotel.resilience.retries` per `aiotel.retry.reason`
 * @property {number} breakerOpens `aiotel.resilience.circuit_breaker.opens`
 * @property {number} bulkheadRejections `aiotel.resilience.bulkhead.rejections`
 * @property {number} fallbacks `aiotel.resilience.fallbacks`
 * @property {number} budgetRefusals `aiotel.resilience.budget.refusals`
 */

/**
 * @param {MetricTotals} totals
 * @returns {MetricFacts}
 */
export function metricFacts(totals) {
  return {
    costUsd: totals.total('aiotel.gen_ai.client.cost') ?? null,
    unpricedCalls: totals.total('aiotel.gen_ai.client.unpriced_calls') ?? 0,
    retriesByReason: totals.totalBy('aiotel.resilience.retries', 'aiotel.retry.reason'),
    breakerOpens: totals.total('aiotel.resilience.circuit_breaker.opens') ?? 0,
    bulkheadRejections: totals.total('aiotel.resilience.bulkhead.rejections') ?? 0,
    fallbacks: totals.total('aiotel.resilience.fallbacks') ?? 0,
    budgetRefusals: totals.total('aiotel.resilience.budget.refusals') ?? 0,
  };
}
