import { describe, expect, it } from 'vitest';
import { gcSummary } from '../src/gc-trace.ts';

// Lines as Node 24's --trace-gc writes them (from the bench's worker, and a forced gc()).
const TRACE = [
  '[4296:0x14e79000]      327 ms: Mark-Compact 15.6 (23.1) -> 14.0 (23.1) MB, pooled: 0 MB, 1.93 / 0.00 ms  (+ 3.3 ms in 60 steps since start of marking, biggest step 0.2 ms, walltime since start of marking 12 ms) (average mu = 0.9, current mu = 0.9) allocation failure; GC in old space requested',
  '[4296:0x14e79000]      330 ms: Scavenge 4.9 (6.7) -> 4.5 (6.7) MB, pooled: 0 MB, 1.12 / 0.00 ms  (average mu = 0.745, current mu = 0.745) allocation failure; ',
  '[4296:0x14e79000]      400 ms: Mark-Compact 3.9 (5.8) -> 3.7 (6.5) MB, pooled: 0 MB, 6.08 / 0.00 ms  (average mu = 0.745, current mu = 0.745) testing; GC in old space requested',
  'some other output',
  '[4296:0x14e79000]      431 ms: Scavenge 5.2 (7.0) -> 5.2 (9.5) MB, pooled: 0 MB, 1.83 / 0.00 ms  (average mu = 0.745, current mu = 0.745) allocation failure; ',
  '[4296:0x14e79000]     1719 ms: Mark-Compact 39.7 (100.6) -> 16.2 (100.6) MB, pooled: 0 MB, 4.86 / 0.00 ms  (average mu = 0.9, current mu = 0.9) finalize incremental marking via task; GC in old space requested',
].join('\n');

describe('gcSummary', () => {
  it('counts major and minor collections with their main-thread time, incremental marking steps included', () => {
    const summary = gcSummary(TRACE);
    expect(summary.majors).toBe(2);
    expect(summary.majorMs).toBeCloseTo(1.93 + 3.3 + 4.86, 6);
    expect(summary.scavenges).toBe(2);
    expect(summary.scavengeMs).toBeCloseTo(1.12 + 1.83, 6);
  });

  it('keeps only the collections logged inside a window of the process time when given one', () => {
    expect(gcSummary(TRACE, 320, 500)).toMatchObject({ majors: 1, scavenges: 2 });
    expect(gcSummary(TRACE, 1000, 2000)).toMatchObject({ majors: 1, scavenges: 0 });
  });

  it("leaves out the collections the bench forces (gc(), reason 'testing')", () => {
    const forced = TRACE.split('\n')[2] as string;
    expect(gcSummary(forced)).toEqual({ majors: 0, majorMs: 0, scavenges: 0, scavengeMs: 0 });
  });
});
