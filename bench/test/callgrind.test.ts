import { describe, expect, it } from 'vitest';
import { perfMapOf, underCachegrind } from '../src/cachegrind.ts';
import { callgrindCosts, difference, jsName, named, placeName, readPerfMap } from '../src/callgrind.ts';

// The shape of a `valgrind --tool=callgrind --dump-instr=yes` output (callgrind 3.19) over node: a builtin with a
// symbol, JIT code without one (object `???`, function named by its first address), a call from the JIT code into
// the builtin, name compression (`(id) name` then `(id)`), relative addresses (`+N`, `*`) and a library's own
// unnamed code (an address relative to the library).
const OUTPUT = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  node --perf-basic-prof app.js
part: 1

positions: instr line
events: Ir
summary: 1000

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) Builtins_WeakSetConstructor
0x1000 0 100
+4 0 50

ob=(2) ???
fl=(1)
fn=(2) 0x0000000028000000
0x28000000 0 300
+8 0 20
cob=(1)
cfi=(1)
cfn=(1)
calls=2 0x1000 0
+2 0 150
* 0 30
0x28000100 0 200

ob=(3) /usr/lib/libc.so.6
fl=(1)
fn=(3) 0x0000000000000040
0x28000010 0 150
`;

const MAP = `28000000 80 JS:*'isAnyValue file:///app/node_modules/@opentelemetry/core/dist/common/attributes.mjs:136:1
28000100 40 JS:^finish file:///work/main/packages/instrumentation-openai/dist/index.mjs:10:3
28000100 40 JS:+finish file:///work/main/packages/instrumentation-openai/dist/index.mjs:10:3
`;

describe('V8 perf map names', () => {
  it('names a function by name, package and tier, without its position', () => {
    expect(
      jsName("JS:*'isAnyValue file:///app/node_modules/@opentelemetry/core/dist/common/attributes.mjs:136:1"),
    ).toBe('isAnyValue (@opentelemetry/core) [turbofan]');
    expect(jsName('JS:~ node:internal/main/run_main_module:1:1')).toBe(
      '(anonymous) (node internals) [interpreted]',
    );
    expect(jsName('Builtin:ArrayMap')).toBe('Builtin:ArrayMap');
  });

  it('keeps the entry written last where V8 put two functions at one address', () => {
    const ranges = readPerfMap(MAP);
    expect(ranges.map((r) => r.name)).toEqual([
      'isAnyValue (@opentelemetry/core) [turbofan]',
      'finish (@aiotel/instrumentation-openai) [maglev]',
    ]);
  });
});

describe('callgrind by function', () => {
  const ranges = readPerfMap(MAP);
  const costs = callgrindCosts(OUTPUT);
  const self = named(costs.self, ranges);

  it('names JIT code from the perf map and keeps symbols as they are', () => {
    expect(self.get('Builtins_WeakSetConstructor')).toBe(150);
    // 300 + 20 at 0x28000000 and 0x28000008, 30 at 0x2800000a (`*` after the call's `+2`): the function's own.
    expect(self.get('isAnyValue (@opentelemetry/core) [turbofan]')).toBe(350);
    expect(self.get('finish (@aiotel/instrumentation-openai) [maglev]')).toBe(200);
  });

  it("does not look up a library's unnamed code in the perf map", () => {
    expect(self.get('0x0000000000000040')).toBe(150);
  });

  it("counts a call's cost as the caller's call, not as its own", () => {
    const byCaller = named(costs.calls.get('Builtins_WeakSetConstructor')!, ranges);
    expect(byCaller).toEqual(new Map([['isAnyValue (@opentelemetry/core) [turbofan]', 150]]));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(850);
  });

  it('subtracts two children address by address before naming, so reused code does not move costs', () => {
    // The first child ran 500 at 0x28000100 in its warm-up, when V8 had `warmUp` there; the second ran the same
    // warm-up, then `finish` (put at the same address after `warmUp` was freed) for 70 more.
    const first = callgrindCosts(OUTPUT.replace('0x28000100 0 200', '0x28000100 0 500'));
    const second = callgrindCosts(OUTPUT.replace('0x28000100 0 200', '0x28000100 0 570'));
    const laterMap = readPerfMap(`28000100 40 JS:^warmUp file:///app/app.js:1:1\n${MAP}`);
    const extra = named(difference(second.self, first.self), laterMap);
    expect(extra.get('finish (@aiotel/instrumentation-openai) [maglev]')).toBe(70);
    expect([...extra.values()].filter((n) => n !== 0)).toEqual([70]);
    expect(placeName('Builtins_WeakSetConstructor', laterMap)).toBe('Builtins_WeakSetConstructor');
    expect(placeName(`jit@${0x28000300}`, laterMap)).toBe('JIT (unnamed)');
  });

  it('finds the perf map by the pid in the output', () => {
    expect(perfMapOf(OUTPUT)).toBe('/tmp/perf-4242.map');
    expect(() => perfMapOf('# callgrind format\n', 'x.callgrind')).toThrow(/x\.callgrind: no "pid:" line/);
  });

  it('runs node under callgrind with every address and the perf map when asked', () => {
    const { execArgv } = underCachegrind('/tmp/out', ['--expose-gc'], { byFunction: true });
    expect(execArgv).toContain('--tool=callgrind');
    expect(execArgv).toContain('--dump-instr=yes');
    expect(execArgv).toContain('--callgrind-out-file=/tmp/out');
    expect(execArgv).toContain('--perf-basic-prof');
    // Not an isolate log in the working directory for every child.
    expect(execArgv).toContain('--logfile=/tmp/out.v8log');
  });
});
