// @ts-check
/**
 * Renders a RunSummary as the terminal table the demo ends with.
 *
 * @typedef {import('./summary.mjs').RunSummary} RunSummary
 * @typedef {import('./summary.mjs').CallStats} CallStats
 */

/** Digits for USD amounts: fake-llm calls cost fractions of a cent, so cents alone would print `$0.00`. */
const USD_DIGITS = 6;

/** @param {number} usd */
export const formatUsd = (usd) => `$${usd.toFixed(USD_DIGITS)}`;

/** @param {number | null} seconds */
const formatMs = (seconds) => (seconds === null ? '-' : String(Math.round(seconds * 1000)));

/** @param {number} n */
const formatCount = (n) => n.toLocaleString('en-US');

/**
 * `1 call`, `2 calls`: a count with its noun, in the plural unless the count is 1.
 *
 * @param {number} count
 * @param {string} noun
 */
export const countOf = (count, noun) => `${formatCount(count)} ${count === 1 ? noun : `${noun}s`}`;

/**
 * `500 ×6, CircuitOpenError ×3`, most frequent first.
 *
 * @param {Record<string, number>} errorsByType
 */
export function formatErrorsByType(errorsByType) {
  return Object.entries(errorsByType)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, count]) => `${type} ×${count}`)
    .join(', ');
}

/** @type {ReadonlyArray<{ title: string, value: (row: CallStats) => string }>} */
const COLUMNS = [
  { title: 'calls', value: (row) => formatCount(row.calls) },
  { title: 'errors', value: (row) => formatCount(row.errors) },
  { title: 'retries', value: (row) => formatCount(row.retries) },
  { title: 'breaker opens', value: (row) => formatCount(row.breakerOpens) },
  { title: 'p50 ms', value: (row) => formatMs(row.latencyP50S) },
  { title: 'p95 ms', value: (row) => formatMs(row.latencyP95S) },
  { title: 'first chunk p50 ms', value: (row) => formatMs(row.timeToFirstChunkP50S) },
  { title: 'tokens in', value: (row) => formatCount(row.inputTokens) },
  { title: 'tokens out', value: (row) => formatCount(row.outputTokens) },
  { title: 'cached', value: (row) => formatCount(row.cachedTokens) },
  {
    title: 'cost USD',
    value: (row) => (row.pricedCalls === 0 && row.unpricedCalls > 0 ? 'unpriced' : formatUsd(row.costUsd)),
  },
];

/**
 * The per-model table with a TOTAL row, then errors by type and cost per feature.
 *
 * @param {RunSummary} summary
 * @returns {string} lines joined by `\n`, no trailing newline
 */
export function renderSummaryTable(summary) {
  const rows = [
    ...summary.models.map((row) => [row.model, ...COLUMNS.map((column) => column.value(row))]),
    ['TOTAL', ...COLUMNS.map((column) => column.value(summary.totals))],
  ];
  const header = ['model', ...COLUMNS.map((column) => column.title)];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  /** @param {string[]} cells */
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const out = [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) ?? [])];

  const failing = summary.models.filter((row) => row.errors > 0);
  if (failing.length > 0) {
    out.push('', 'errors by type (error.type):');
    for (const row of failing) out.push(`  ${row.model}: ${formatErrorsByType(row.errorsByType)}`);
  }
  const unpriced = summary.models.filter((row) => row.unpricedCalls > 0);
  if (unpriced.length > 0) {
    out.push('', 'calls without a price (cost not counted):');
    for (const row of unpriced) out.push(`  ${row.model}: ${row.unpricedCalls}`);
  }
  if (summary.features.some((feature) => feature.feature !== '(none)')) {
    out.push('', 'cost by feature (app.feature):');
    const width = Math.max(...summary.features.map((feature) => feature.feature.length));
    for (const feature of summary.features) {
      out.push(
        `  ${feature.feature.padEnd(width)}  ${formatUsd(feature.costUsd)}  (${countOf(feature.calls, 'call')})`,
      );
    }
  }
  out.push('', `total cost: ${formatUsd(summary.totals.costUsd)}`);
  return out.join('\n');
}

/**
 * One line of what the exported metrics say about policies and cost.
 *
 * @param {import('./metric-facts.mjs').MetricFacts} facts
 */
export function renderMetricFacts(facts) {
  const retries = formatErrorsByType(facts.retriesByReason) || 'none';
  const cost = facts.costUsd === null ? 'not exported' : formatUsd(facts.costUsd);
  return (
    `from the metrics: cost ${cost}, retries by reason: ${retries}, breaker opens ${facts.breakerOpens}, ` +
    `bulkhead rejections ${facts.bulkheadRejections}, fallbacks ${facts.fallbacks}, ` +
    `budget refusals ${facts.budgetRefusals}, unpriced calls ${facts.unpricedCalls}`
  );
}
