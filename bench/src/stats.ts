/** The spread of one figure over the rounds of a run: what the table prints. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many rounds produced this figure. */
  readonly n: number;
}

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, min and max of the finite values; rounds that did not produce a figure are left out. */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/**
 * Per-round ratios of a variant's figure to its floor's figure in the same round. Rounds interleave the
 * variants, so a slow spell of the machine hits both sides of a ratio: the median of the per-round ratios
 * holds better on a noisy machine than the ratio of the medians.
 */
export function pairedRatios(values: readonly number[], floor: readonly number[]): number[] {
  const ratios: number[] = [];
  const n = Math.min(values.length, floor.length);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const f = floor[i]!;
    if (Number.isFinite(v) && Number.isFinite(f) && f > 0) ratios.push(v / f);
  }
  return ratios;
}

/** Per-round differences of a variant's figure and its floor's (e.g. overhead in µs per chunk). */
export function pairedDifferences(values: readonly number[], floor: readonly number[]): number[] {
  const diffs: number[] = [];
  const n = Math.min(values.length, floor.length);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const f = floor[i]!;
    if (Number.isFinite(v) && Number.isFinite(f)) diffs.push(v - f);
  }
  return diffs;
}

/** The p-th percentile (0..100) by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
