import type { Spread } from '../stats.ts';
import type { TargetCheck, VariantSummary } from './summary.ts';

function num(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** `median (min–max)`, or `n/a` when no round produced the figure. */
export function formatSpread(s: Spread, digits: number, suffix = ''): string {
  if (s.n === 0) return 'n/a';
  if (s.n === 1 || s.min === s.max) return `${num(s.median, digits)}${suffix}`;
  return `${num(s.median, digits)}${suffix} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

/** `+0.42` with an explicit sign, for overheads that may come out negative within noise. */
function signed(s: Spread, digits: number): string {
  if (s.n === 0) return 'n/a';
  const f = (v: number) => (v >= 0 ? `+${num(v, digits)}` : num(v, digits));
  if (s.n === 1 || s.min === s.max) return f(s.median);
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

/**
 * The results table in Markdown: one row per variant, medians over the rounds with (min–max), ratios and
 * overheads against the variant's floor taken round by round.
 */
export function renderTable(summaries: readonly VariantSummary[]): string {
  const header = [
    'variant',
    'SDK',
    'CPU µs/call',
    '× floor',
    'calls/s',
    'CPU µs/chunk',
    'overhead µs/chunk',
    'concurrent CPU µs/call',
    '× floor',
    'concurrent calls/s',
    'heap MiB',
    'OTLP B/call',
  ];
  const rows = summaries.map((s) => {
    const floor = s.floor === s.id;
    return [
      s.rounds === 0 ? `${s.label} (failed)` : s.label,
      `${s.sdk} ${s.sdkMajor}`,
      formatSpread(s.nonStreaming.cpuUsPerCall, 1),
      floor ? '1 (floor)' : formatSpread(s.nonStreaming.ratioToFloor, 3, '×'),
      num(s.nonStreaming.callsPerSec.median, 0),
      formatSpread(s.streaming.cpuUsPerChunk, 2),
      floor ? '0 (floor)' : signed(s.streaming.overheadUsPerChunk, 2),
      formatSpread(s.concurrent.cpuUsPerCall, 1),
      floor ? '1 (floor)' : formatSpread(s.concurrent.ratioToFloor, 3, '×'),
      num(s.concurrent.callsPerSec.median, 0),
      num(s.heapMiB.median, 1),
      num(s.telemetryBytesPerCall.median, 0),
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** How much of each telemetry variant's figures is the flush at the end of the workload. */
export function renderFlushes(summaries: readonly VariantSummary[]): string {
  const lines = [
    '| variant | flush CPU µs per call (non-streaming) | flush CPU µs per chunk (streaming) |',
    '| --- | --- | --- |',
  ];
  for (const s of summaries) {
    if (s.kind === 'floor' || s.telemetryBytesPerCall.median === 0) continue;
    lines.push(
      `| ${s.label} | ${formatSpread(s.nonStreaming.flushCpuUsPerCall, 1)} | ${formatSpread(s.streaming.flushCpuUsPerChunk, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** The targets as a Markdown table: measured figure and whether it was met. */
export function renderTargets(checks: readonly TargetCheck[]): string {
  const lines = [
    '| target | goal | measured | met | rounds met | OpenTelemetry SDK alone |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of checks) {
    const unit = c.name.includes('per streamed chunk') ? ' µs' : '×';
    const met = c.met === undefined ? 'not measured' : c.met ? 'yes' : '**no**';
    const floor = c.sdkFloor === undefined ? '' : `${num(c.sdkFloor, 3)}${unit}`;
    const rounds = c.rounds ? `${c.rounds.met} of ${c.rounds.of}` : '';
    lines.push(`| ${c.name} | ${c.target} | ${num(c.measured, 3)}${unit} | ${met} | ${rounds} | ${floor} |`);
  }
  return lines.join('\n');
}
