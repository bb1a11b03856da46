import { describe, expect, it } from 'vitest';
import {
  collectorInstructions,
  functionCounts,
  functionDifference,
  parseSummary,
  underCachegrind,
} from '../src/cachegrind.ts';

// A real cachegrind output's head and tail (valgrind 3.19, `--cache-sim=no`), shortened.
const OUTPUT = `desc: I1 cache:         32768 B, 64 B, 8-way associative
cmd: /usr/bin/node /work/bench/src/layers.ts --child raw --stream --sdk 6
events: Ir
fl=???
fn=0x0000000000a4e1a0
0 1
summary: 3016360300
`;

describe('cachegrind', () => {
  it("reads the instruction total from the output's summary line", () => {
    expect(parseSummary(OUTPUT)).toBe(3_016_360_300);
  });

  it('says so when the output has no summary (valgrind did not finish)', () => {
    expect(() => parseSummary(OUTPUT.replace(/^summary:.*$/m, ''), 'x.cachegrind')).toThrow(
      'x.cachegrind: no "summary:" line',
    );
  });

  it('runs node under cachegrind with the child flags and the flags that make counts repeat', () => {
    const { execPath, execArgv } = underCachegrind('/tmp/out.cachegrind', ['--expose-gc']);
    expect(execPath).toBe('valgrind');
    expect(execArgv).toEqual([
      '--tool=cachegrind',
      '--cache-sim=no',
      '--cachegrind-out-file=/tmp/out.cachegrind',
      '-q',
      process.execPath,
      '--expose-gc',
      '--single-threaded',
      '--no-memory-reducer',
      '--random-seed=1',
      '--hash-seed=1',
    ]);
  });

  it('counts instructions by function, the same name in two files added up', () => {
    const counts = functionCounts(`events: Ir
fl=???
fn=Builtins_LoadIC
0 100
fn=0x00000000deadbeef
0 7
fl=./malloc/malloc.c
fn=malloc
12 30
14 5
fl=???
fn=Builtins_LoadIC
0 50
summary: 192
`);
    expect(Object.fromEntries(counts)).toEqual({
      Builtins_LoadIC: 150,
      '0x00000000deadbeef': 7,
      malloc: 35,
    });
  });

  it("sets one mode's extra calls against another's, per unit, largest first", () => {
    const m = (entries: Record<string, number>) => new Map(Object.entries(entries));
    // A's 10 extra calls: 1,000 in f, 300 in g; B's: 200 in f, 300 in g, 100 in h.
    const rows = functionDifference(
      m({ f: 5_000, g: 1_000 }),
      m({ f: 6_000, g: 1_300 }),
      m({ f: 4_000, g: 900, h: 10 }),
      m({ f: 4_200, g: 1_200, h: 110 }),
      10,
    );
    expect(rows).toEqual([
      { fn: 'f', perUnit: 80 },
      { fn: 'h', perUnit: -10 },
      { fn: 'g', perUnit: 0 },
    ]);
  });

  it("counts V8's collector by its functions' names, and nothing else", () => {
    const counts = new Map([
      ['v8::internal::ScavengerCollector::CollectGarbage()', 100],
      [
        'void v8::internal::MarkingVisitorBase<v8::internal::MainMarkingVisitor>::ProcessStrongHeapObject<>()',
        20,
      ],
      ['v8::internal::Sweeper::RawSweep(v8::internal::PageMetadata*)', 3],
      ['v8::internal::JsonParser<unsigned char>::ScanJsonString(bool)', 1_000],
      ['Builtins_LoadIC', 1_000],
      ['???', 1_000],
    ]);
    expect(collectorInstructions(counts)).toBe(123);
  });
});
