import { describe, expect, it } from 'vitest';
import { summarize } from '../src/compile-summary.ts';

// Lines as Node 24's V8 prints them with --trace-opt --trace-deopt --trace-gc (from a layers.ts run).
const COMPILED =
  '[completed compiling 0x34d3b2a09d49 <JSFunction isPosixPathSeparator (sfi = 0x2ca8dfc15109)> (target MAGLEV) - took 0.001, 0.211, 0.005 ms]';
const DEOPT =
  '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x34d3b2a09e71 <JSFunction normalizeString (sfi = 0x2ca8dfc15349)>, 0x3f2b6df86541 <Code MAGLEV>, opt id 1]';
const SCAVENGE =
  '[29046:0x266b7000]       94 ms: Scavenge 9.1 (9.6) -> 8.7 (10.6) MB, pooled: 0 MB, 0.90 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ';
const MARK_COMPACT =
  '[29046:0x266b7000]      261 ms: Mark-Compact 17.0 (22.4) -> 13.9 (22.9) MB, pooled: 0 MB, 4.42 / 0.00 ms  (+ 0.1 ms in 16 steps since start of marking, biggest step 0.0 ms, walltime since start of marking 17 ms) (average mu = 0.982, current mu = 0.982) finalize incremental marking via stack guard; GC in old space requested';

describe('compile-summary', () => {
  it('counts only what happened inside each mode window', () => {
    const text = [
      COMPILED,
      MARK_COMPACT,
      '[bench window start raw]',
      COMPILED,
      DEOPT,
      SCAVENGE,
      SCAVENGE,
      MARK_COMPACT,
      '[bench window end raw]',
      SCAVENGE,
      '[bench window start instr]',
      MARK_COMPACT,
      '[bench window end instr]',
    ].join('\n');
    const [raw, instr] = summarize(text);
    expect(raw?.mode).toBe('raw');
    expect(raw?.jobs).toHaveLength(1);
    expect(raw?.jobs[0]).toMatchObject({ tier: 'MAGLEV', fn: 'isPosixPathSeparator' });
    // The three phases V8 reports, summed.
    expect(raw?.jobs[0]?.ms).toBeCloseTo(0.217, 6);
    expect([...(raw?.deopts ?? [])]).toEqual([['normalizeString (deopt-eager: wrong map)', 1]]);
    expect(raw?.gc).toEqual({
      scavenges: 2,
      scavengeMs: expect.closeTo(1.8, 6),
      markCompacts: 1,
      markCompactMs: expect.closeTo(4.42, 6),
    });
    expect([...(raw?.gcReasons ?? [])]).toEqual([
      ['finalize incremental marking via stack guard; GC in old space requested', 1],
    ]);
    expect(instr?.mode).toBe('instr');
    expect(instr?.jobs).toEqual([]);
    expect(instr?.gc.scavenges).toBe(0);
    expect(instr?.gc.markCompacts).toBe(1);
  });
});
