import { describe, expect, it } from 'vitest';
import {
  type AppReport,
  type CollectorMode,
  type OutageRun,
  outageTable,
  summarizeOutage,
} from '../src/outage-summary.ts';

/** A report whose four workloads of `calls` calls each take `wallMs` / `cpuMs` per call (ms), `sequential` twice that. */
function report(wallMs: number, cpuMs: number, calls = 10): AppReport {
  const time = (factor: number) => ({
    calls,
    wallMs: wallMs * calls * factor,
    cpuMs: cpuMs * calls * factor,
  });
  return {
    workloads: {
      sequential: time(2),
      sequentialStream: time(1),
      concurrent: time(1),
      concurrentStream: time(1),
    },
    doneAt: 0,
  };
}

function run(mode: CollectorMode, round: number, wallMs: number, cpuMs: number, exitMs = 20): OutageRun {
  return { mode, round, report: report(wallMs, cpuMs), exitMs, connections: 3 };
}

describe('the collector-outage summary', () => {
  it('gives µs per call over all workloads, per workload, and the exit time, as medians over the rounds', () => {
    const [healthy] = summarizeOutage([
      run('healthy', 0, 1, 0.5, 30),
      run('healthy', 1, 3, 1.5, 10),
      run('healthy', 2, 2, 1, 20),
    ]);
    // Per call over the four workloads: (2 + 1 + 1 + 1) / 4 = 1.25 × the per-call figure.
    expect(healthy!.wallUs).toEqual({ median: 2500, min: 1250, max: 3750, n: 3 });
    expect(healthy!.cpuUs.median).toBe(1250);
    expect(healthy!.workloadWallUs).toEqual({
      sequential: 4000,
      sequentialStream: 2000,
      concurrent: 2000,
      concurrentStream: 2000,
    });
    expect(healthy!.exitMs).toEqual({ median: 20, min: 10, max: 30, n: 3 });
    expect(healthy!.wallRatio).toBe(1);
  });

  it('takes ratios to healthy round by round, so a slow spell that hits both sides of a round cancels out', () => {
    const summaries = summarizeOutage([
      run('hang', 0, 2, 1),
      run('healthy', 0, 1, 1),
      run('healthy', 1, 10, 1),
      run('hang', 1, 12, 1.5),
    ]);
    expect(summaries.map((s) => s.mode)).toEqual(['healthy', 'hang']);
    const hang = summaries[1]!;
    // Rounds: 2 / 1 and 12 / 10; the ratio of the medians would be 7 / 5.5.
    expect(hang.wallRatio).toBeCloseTo((2 + 1.2) / 2, 10);
    expect(hang.cpuRatio).toBeCloseTo(1.25, 10);
  });

  it('has no ratio for a round without a healthy run, rather than a ratio to another round', () => {
    const [refuse] = summarizeOutage([run('healthy', 0, 1, 1), run('refuse', 1, 2, 2)]).filter(
      (s) => s.mode === 'refuse',
    );
    expect(refuse!.wallRatio).toBeNaN();
    expect(refuse!.wallUs.median).toBe(2500);
  });

  it('renders one row per mode with a dash where there is no figure', () => {
    const table = outageTable(summarizeOutage([run('tls-hang', 0, 2, 1, 2018)]));
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('× healthy');
    expect(lines[2]).toBe(
      '| tls-hang | 2500 (2500–2500) | – | 1250 (1250–1250) | – | 4000 | 2000 | 2000 | 2000 | 2018 (2018–2018) |',
    );
  });
});
