/** The figures of the collector-outage bench: what its app reports, and the per-mode summary and table. */
import { median, pairedRatios, type Spread, spread } from './stats.ts';

/** The app's four workloads, in the order it runs them. */
export const WORKLOADS = ['sequential', 'sequentialStream', 'concurrent', 'concurrentStream'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** How the collector behaves during a run; `healthy` is the floor the others are compared with. */
export const COLLECTOR_MODES = ['healthy', 'refuse', 'hang', 'trickle', 'unavailable', 'tls-hang'] as const;
export type CollectorMode = (typeof COLLECTOR_MODES)[number];

export interface WorkloadTime {
  readonly calls: number;
  readonly wallMs: number;
  /** CPU of the whole app process over the workload (user + system), ms. */
  readonly cpuMs: number;
}

/** The JSON line the app prints after its last call. */
export interface AppReport {
  readonly workloads: Readonly<Record<Workload, WorkloadTime>>;
  /** Epoch ms right after the last call. */
  readonly doneAt: number;
}

/** One app run against one collector mode. */
export interface OutageRun {
  readonly mode: CollectorMode;
  readonly round: number;
  readonly report: AppReport;
  /** From the app's last call to its exit, ms. */
  readonly exitMs: number;
  /** How often the collector was reached: connections of a failing one (0 for `refuse`), requests of `healthy`. */
  readonly connections: number;
}

export interface ModeSummary {
  readonly mode: CollectorMode;
  /** Wall µs per call over all four workloads (their total time over their total calls). */
  readonly wallUs: Spread;
  readonly cpuUs: Spread;
  /** Median of the per-round ratios to `healthy` (NaN when healthy has no run in those rounds). */
  readonly wallRatio: number;
  readonly cpuRatio: number;
  /** Median wall µs per call of each workload. */
  readonly workloadWallUs: Readonly<Record<Workload, number>>;
  readonly exitMs: Spread;
  readonly connections: number;
}

function perCall(report: AppReport, field: 'wallMs' | 'cpuMs', only?: Workload): number {
  const times = WORKLOADS.filter((w) => only === undefined || w === only).map((w) => report.workloads[w]);
  const calls = times.reduce((sum, t) => sum + t.calls, 0);
  return (times.reduce((sum, t) => sum + t[field], 0) * 1000) / calls;
}

/** The figures of `round` for `mode`, NaN where that round has no run of it (rounds line up for the ratios). */
function byRound(
  runs: readonly OutageRun[],
  mode: CollectorMode,
  rounds: number[],
  f: (r: OutageRun) => number,
) {
  return rounds.map((round) => {
    const run = runs.find((r) => r.mode === mode && r.round === round);
    return run ? f(run) : Number.NaN;
  });
}

/** Per mode that ran, in COLLECTOR_MODES order: medians over the rounds and the paired ratios to `healthy`. */
export function summarizeOutage(runs: readonly OutageRun[]): ModeSummary[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const wall = (r: OutageRun) => perCall(r.report, 'wallMs');
  const cpu = (r: OutageRun) => perCall(r.report, 'cpuMs');
  const healthyWall = byRound(runs, 'healthy', rounds, wall);
  const healthyCpu = byRound(runs, 'healthy', rounds, cpu);
  return COLLECTOR_MODES.filter((mode) => runs.some((r) => r.mode === mode)).map((mode) => {
    const mine = runs.filter((r) => r.mode === mode);
    const modeWall = byRound(runs, mode, rounds, wall);
    const modeCpu = byRound(runs, mode, rounds, cpu);
    return {
      mode,
      wallUs: spread(modeWall),
      cpuUs: spread(modeCpu),
      wallRatio: median(pairedRatios(modeWall, healthyWall)),
      cpuRatio: median(pairedRatios(modeCpu, healthyCpu)),
      workloadWallUs: Object.fromEntries(
        WORKLOADS.map((w) => [w, median(mine.map((r) => perCall(r.report, 'wallMs', w)))]),
      ) as Record<Workload, number>,
      exitMs: spread(mine.map((r) => r.exitMs)),
      connections: median(mine.map((r) => r.connections)),
    };
  });
}

const fmt = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const range = (s: Spread, digits = 0): string =>
  `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/** The markdown table the README carries. */
export function outageTable(summaries: readonly ModeSummary[]): string {
  const head =
    '| collector | wall µs/call | × healthy | CPU µs/call | × healthy | sequential | seq. stream | concurrent | conc. stream | exit after last call, ms |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const rows = summaries.map((s) =>
    [
      s.mode,
      range(s.wallUs),
      fmt(s.wallRatio, 2),
      range(s.cpuUs),
      fmt(s.cpuRatio, 2),
      ...WORKLOADS.map((w) => fmt(s.workloadWallUs[w])),
      range(s.exitMs),
    ].join(' | '),
  );
  return [head, ...rows.map((row) => `| ${row} |`)].join('\n');
}
