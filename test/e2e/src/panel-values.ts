import { getJson } from './wait.js';

/** One series of an instant query: its labels and its value. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** What Prometheus's query API answers for `expr` at `time`; throws with its message if it rejects the query. */
async function query<R>(prometheusUrl: string, expr: string, time: number, resultType: string): Promise<R[]> {
  const params = new URLSearchParams({ query: expr, time: String(time) });
  const body = await getJson<{ status: string; error?: string; data?: { resultType: string; result: R[] } }>(
    `${prometheusUrl}/api/v1/query?${params}`,
  );
  if (body?.status !== 'success')
    throw new Error(`Prometheus rejected ${expr}: ${body?.error ?? 'no answer'}`);
  if (body.data?.resultType !== resultType) throw new Error(`not a ${resultType}: ${expr}`);
  return body.data.result;
}

/** `expr` evaluated at `time` (Unix seconds); throws with Prometheus's message if it rejects the query. */
export async function instantQuery(prometheusUrl: string, expr: string, time: number): Promise<Sample[]> {
  const result = await query<{ metric: Record<string, string>; value: [number, string] }>(
    prometheusUrl,
    expr,
    time,
    'vector',
  );
  return result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** The raw samples of every series a range selector picks, as stored: what a rate() or increase() worked on. */
export async function rangeSamples(
  prometheusUrl: string,
  selector: string,
  time: number,
): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
  const result = await query<{ metric: Record<string, string>; values: [number, string][] }>(
    prometheusUrl,
    selector,
    time,
    'matrix',
  );
  return result.map((r) => ({
    metric: r.metric,
    values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]),
  }));
}

/**
 * What Prometheus stored for every range selector of `expr` (`metric{…}[range]`), one line per series with its
 * samples as `+seconds=value` from `origin`: when a panel is off, this says whether a sample was missing, late or
 * extrapolated.
 */
export async function describeRangeSelectors(
  prometheusUrl: string,
  expr: string,
  time: number,
  origin: number,
): Promise<string> {
  const lines: string[] = [];
  for (const [selector] of expr.matchAll(/[a-zA-Z_:][\w:]*\{[^}]*\}\[[^\]]+\]/g)) {
    lines.push(`    ${selector} at +${(time - origin).toFixed(3)}:`);
    for (const series of await rangeSamples(prometheusUrl, selector, time)) {
      const { __name__, service_name, ...labels } = series.metric;
      const samples = series.values.map(([t, v]) => `+${(t - origin).toFixed(3)}=${v}`).join(' ');
      lines.push(`      ${__name__}${JSON.stringify(labels)}: ${samples}`);
    }
  }
  return lines.join('\n');
}

/** Samples keyed by the value of label `by` ('' when the panel shows one number). */
export function keyed(samples: Sample[], by: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const key = by ? (s.metric[by] ?? '') : '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** A panel or alert value that differs from the truth by more than `tolerance` (relative). */
export interface Mismatch {
  key: string;
  shown: number;
  truth: number;
}

/**
 * Compares what a query shows with the truth, key by key: a key missing on one side counts as 0 there, so a
 * series the panel lacks (lost spend) and one it has in excess both show up.
 */
export function mismatches(
  shown: Map<string, number>,
  truth: Map<string, number>,
  tolerance: number,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const key of new Set([...shown.keys(), ...truth.keys()])) {
    const s = shown.get(key) ?? 0;
    const t = truth.get(key) ?? 0;
    const off = t === 0 ? Math.abs(s) > 1e-12 : Math.abs(s - t) / Math.abs(t) > tolerance;
    if (off || !Number.isFinite(s)) out.push({ key, shown: s, truth: t });
  }
  return out;
}

/** The time of the last scrape of `job`: evaluating there, increase() has nothing to extrapolate at the end. */
export async function lastScrape(prometheusUrl: string, job: string): Promise<number> {
  const [up] = await instantQuery(prometheusUrl, `timestamp(up{job="${job}"})`, Date.now() / 1000);
  if (!up) throw new Error(`Prometheus has no up{job="${job}"}: is it scraping the collector?`);
  return up.value;
}
