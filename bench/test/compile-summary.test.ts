import { describe, expect, it } from 'vitest';
import { compiledVersus, summarize } from '../src/compile-summary.ts';

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

describe('compile-summary --versus', () => {
  const compiled = (fn: string, ms: number) =>
    `[completed compiling 0x1 <JSFunction ${fn}(sfi = 0x2)> (target TURBOFAN_JS) - took 0.000, ${ms.toFixed(3)}, 0.000 ms]`;

  it('names anonymous functions as such, not by the sfi V8 prints', () => {
    const [w] = summarize(['[bench window start raw]', compiled('', 1), '[bench window end raw]'].join('\n'));
    expect(w?.jobs.map((j) => j.fn)).toEqual(['(anonymous)']);
  });

  it("sets one mode's compilations against another's by function, over all their windows", () => {
    const windows = summarize(
      [
        '[bench window start instr]',
        compiled('finish ', 3),
        compiled('startSpan ', 2),
        '[bench window end instr]',
        '[bench window start contrib]',
        compiled('startSpan ', 1.5),
        compiled('patchedCreate ', 1),
        '[bench window end contrib]',
        '[bench window start instr]',
        compiled('finish ', 2),
        '[bench window end instr]',
        '[bench window start raw]',
        compiled('finish ', 50),
        '[bench window end raw]',
      ].join('\n'),
    );
    const rows = compiledVersus(windows, 'instr', 'contrib');
    // Largest difference first; the raw window is neither side.
    expect(rows.map((r) => r.fn)).toEqual(['finish', 'startSpan', 'patchedCreate']);
    expect(rows[0]).toEqual({ fn: 'finish', a: { count: 2, ms: 5 }, b: { count: 0, ms: 0 } });
    expect(rows[1]?.a).toEqual({ count: 1, ms: 2 });
    expect(rows[1]?.b).toEqual({ count: 1, ms: 1.5 });
    expect(rows[2]).toEqual({ fn: 'patchedCreate', a: { count: 0, ms: 0 }, b: { count: 1, ms: 1 } });
  });
});
