// @ts-check
/**
 * Turns the CallRecords of a run into the per-model summary the demo prints and writes as JSON.
 *
 * @typedef {import('./call-recorder.mjs').CallRecord} CallRecord
 */

/**
 * The facts of a group of calls (one model, or all of them).
 *
 * @typedef {object} CallStats
 * @property {number} calls GenAI spans
 * @property {number} errors spans with status ERROR
 * @property {Record<string, number>} errorsByType count per `error.type`
 * @property {number} retries `aiotel.retry` events
 * @property {number} breakerOpens circuit breaker transitions to open
 * @property {number} fallbacks `aiotel.fallback` events
 * @property {number | null} latencyP50S median span duration, seconds
 * @property {number | null} latencyP95S 95th percentile span duration, seconds
 * @property {number | null} timeToFirstChunkP50S median time to first chunk of streamed calls, seconds
 * @property {number} inputTokens input tokens (cached included)
 * @property {number} outputTokens output tokens
 * @property {number} cachedTokens cached input tokens
 * @property {number} costUsd sum of `gen_ai.usage.cost.amount`
 * @property {number} unpricedCalls calls with usage but no cost (model missing from the price table)
 * @property {number} pricedCalls calls with a cost
 */

/**
 * @typedef {object} ModelStats
 * @property {string} model
 * @typedef {ModelStats & CallStats} ModelSummary
 */

/**
 * @typedef {object} FeatureSummary
 * @property {string} feature `app.feature`, or `(none)`
 * @property {number} calls
 * @property {number} costUsd
 */

/**
 * @typedef {object} RunSummary
 * @property {ModelSummary[]} models one row per `gen_ai.request.model`, in order of first call
 * @property {CallStats} totals all calls together
 * @property {FeatureSummary[]} features cost per `app.feature`, most expensive first
 */

/**
 * The nearest-rank percentile of the values (`null` when there are none).
 *
 * @param {readonly number[]} values
 * @param {number} p between 0 and 100
 * @returns {number | null}
 */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return /** @type {number} */ (sorted[Math.min(rank, sorted.length) - 1]);
}

/**
 * @param {readonly CallRecord[]} records
 * @returns {CallStats}
 */
export function statsOf(records) {
  /** @type {Record<string, number>} */
  const errorsByType = {};
  let errors = 0;
  let retries = 0;
  let breakerOpens = 0;
  let fallbacks = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let cachedTokens = 0;
  let costUsd = 0;
  let unpricedCalls = 0;
  let pricedCalls = 0;
  /** @type {number[]} */
  const durations = [];
  /** @type {number[]} */
  const firstChunks = [];
  for (const record of records) {
    durations.push(record.durationS);
    if (record.timeToFirstChunkS !== undefined) firstChunks.push(record.timeToFirstChunkS);
    if (record.errorType !== undefined) {
      errors++;
      errorsByType[record.errorType] = (errorsByType[record.errorType] ?? 0) + 1;
    }
    retries += record.retries;
    breakerOpens += record.breakerOpens;
    fallbacks += record.fallbacks;
    inputTokens += record.inputTokens;
    outputTokens += record.outputTokens;
    cachedTokens += record.cachedTokens;
    if (record.costUsd !== undefined) {
      costUsd += record.costUsd;
      pricedCalls++;
    } else if (record.hasUsage) unpricedCalls++;
  }
  return {
    calls: records.length,
    errors,
    errorsByType,
    retries,
    breakerOpens,
    fallbacks,
    latencyP50S: percentile(durations, 50),
    latencyP95S: percentile(durations, 95),
    timeToFirstChunkP50S: percentile(firstChunks, 50),
    inputTokens,
    outputTokens,
    cachedTokens,
    costUsd,
    unpricedCalls,
    pricedCalls,
  };
}

/**
 * Groups the records by requested model and by feature.
 *
 * @param {readonly CallRecord[]} records
 * @returns {RunSummary}
 */
export function summarize(records) {
  /** @type {Map<string, CallRecord[]>} */
  const byModel = new Map();
  /** @type {Map<string, FeatureSummary>} */
  const byFeature = new Map();
  for (const record of records) {
    const group = byModel.get(record.model);
    if (group === undefined) byModel.set(record.model, [record]);
    else group.push(record);
    const feature = record.feature ?? '(none)';
    const entry = byFeature.get(feature) ?? { feature, calls: 0, costUsd: 0 };
    entry.calls++;
    entry.costUsd += record.costUsd ?? 0;
    byFeature.set(feature, entry);
  }
  return {
    models: [...byModel].map(([model, group]) => ({ model, ...statsOf(group) })),
    totals: statsOf(records),
    features: [...byFeature.values()].sort((a, b) => b.costUsd - a.costUsd),
  };
}
