import { describe, expect, it } from 'vitest';
import { parseSummary, underCachegrind } from '../src/cachegrind.ts';

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
});
