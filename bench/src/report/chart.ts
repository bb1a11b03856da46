import type { Spread } from '../stats.ts';
import type { VariantSummary } from './summary.ts';

const SERIES = [
  { name: 'non-streaming call', color: '#4472c4', pick: (s: VariantSummary) => s.nonStreaming.ratioToFloor },
  { name: 'streamed chunk', color: '#ed7d31', pick: (s: VariantSummary) => s.streaming.ratioToFloor },
  { name: 'concurrent call', color: '#70ad47', pick: (s: VariantSummary) => s.concurrent.ratioToFloor },
] as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pct = (ratio: number) => (ratio - 1) * 100;

/** Where the overhead axis ends, in percent. */
const AXIS_CAP_PERCENT = 200;

/**
 * An SVG bar chart of CPU overhead over the floor (%, per workload) for every non-floor variant, median
 * bars with min–max whiskers. Plain SVG text, no dependency.
 */
export function renderChart(summaries: readonly VariantSummary[], title: string): string {
  const rows = summaries.filter((s) => s.floor !== s.id);
  const values = rows.flatMap((s) =>
    SERIES.flatMap((series) => {
      const sp: Spread = series.pick(s);
      return sp.n > 0 ? [pct(sp.min), pct(sp.max)] : [];
    }),
  );
  const lo = Math.min(0, ...values);
  // One pathological figure (e.g. a peer at +16,000 %) would flatten every other bar: the axis stops at
  // AXIS_CAP_PERCENT and longer bars are drawn cut, with their value written beside them.
  const hi = Math.min(AXIS_CAP_PERCENT, Math.max(10, ...values));
  const labels = rows.map((s) =>
    s.label.includes(`${s.sdk} ${s.sdkMajor}`) ? s.label : `${s.label} (${s.sdk} ${s.sdkMajor})`,
  );
  const labelW = Math.max(200, Math.max(...labels.map((l) => l.length), 0) * 6.6 + 20);
  const plotW = 520;
  const barH = 12;
  const groupH = barH * SERIES.length + 14;
  const top = 56;
  const width = labelW + plotW + 130;
  const height = top + rows.length * groupH + 52;
  const x = (v: number) => labelW + ((Math.min(v, hi) - lo) / (hi - lo)) * plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  );
  SERIES.forEach((series, i) => {
    const lx = labelW + i * 170;
    out.push(
      `<rect x="${lx}" y="32" width="12" height="12" fill="${series.color}"/>`,
      `<text x="${lx + 16}" y="42">${escapeXml(series.name)}</text>`,
    );
  });
  // Grid lines every "nice" step.
  const span = hi - lo;
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find((s) => span / s <= 8) ?? 1000;
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
    const gx = x(v).toFixed(1);
    out.push(
      `<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 40}" stroke="${v === 0 ? '#000' : '#ddd'}"/>`,
      `<text x="${gx}" y="${height - 26}" text-anchor="middle">${v}%</text>`,
    );
  }
  rows.forEach((s, r) => {
    const gy = top + r * groupH;
    out.push(
      `<text x="${labelW - 8}" y="${gy + (barH * SERIES.length) / 2 + 4}" text-anchor="end">${escapeXml(labels[r]!)}</text>`,
    );
    SERIES.forEach((series, i) => {
      const sp = series.pick(s);
      const y = gy + i * barH;
      if (sp.n === 0) {
        out.push(`<text x="${x(0) + 4}" y="${y + barH - 2}" fill="#888">n/a</text>`);
        return;
      }
      const v = pct(sp.median);
      const x0 = Math.min(x(0), x(v));
      const w = Math.max(1, Math.abs(x(v) - x(0)));
      out.push(
        `<rect x="${x0.toFixed(1)}" y="${y + 1}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${series.color}"/>`,
        `<line x1="${x(pct(sp.min)).toFixed(1)}" y1="${y + barH / 2}" x2="${x(pct(sp.max)).toFixed(1)}" y2="${y + barH / 2}" stroke="#333"/>`,
        `<text x="${(Math.max(x(v), x(pct(sp.max))) + 4).toFixed(1)}" y="${y + barH - 2}" font-size="10">${v >= 0 ? '+' : ''}${v.toFixed(1)}%${v > hi ? ' (off scale)' : ''}</text>`,
      );
    });
  });
  out.push(
    `<text x="10" y="${height - 6}" font-size="10" fill="#555">CPU overhead over the variant's floor (raw openai of the same major), median of rounds, whiskers min–max</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
