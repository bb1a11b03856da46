/**
 * Where one mode's instructions go beyond another's, by function: from the files of `node src/layers.ts
 * --instructions` (bench/.tmp/layers-instructions/, one per child: `PID-MODE-rROUND-CALLS`).
 *   node src/instruction-summary.ts A_N A_2N B_N B_2N --units U [--top K] [--callers REGEX]
 * prints, per unit (U: the calls, or chunks, between N and 2N; with `--from-warmup`, the files are `-0` and `-N`),
 * the instructions by function of A's extra N calls minus B's, largest differences first. V8's builtins and C++
 * functions are named. In cachegrind files JavaScript that V8 compiled has no symbol and is one line, `???`; in the
 * callgrind files of `--by-function` each JavaScript function has its name, package and tier (`next (openai)
 * [turbofan]`, src/callgrind.ts). `--callers REGEX` (callgrind files) prints, for the functions matching REGEX (`WeakSet`,
 * `DefineNamedOwnIC`), the instructions of the calls into them, callee and all it ran, by calling function.
 * Example, ours against contrib per chunk over 20 streams of 500 chunks:
 *   node src/instruction-summary.ts D/P1-instr-r0-20.cachegrind D/P1-instr-r0-40.cachegrind \
 *     D/P2-contrib-r0-20.cachegrind D/P2-contrib-r0-40.cachegrind --units 10000
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { functionCounts, functionDifference } from './cachegrind.ts';
import { callgrindCosts, difference, named, placeName, readPerfMap } from './callgrind.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    units: { type: 'string' },
    top: { type: 'string', default: '30' },
    callers: { type: 'string' },
  },
});
if (positionals.length !== 4 || values.units === undefined)
  throw new Error(
    'usage: node src/instruction-summary.ts A_N A_2N B_N B_2N --units U [--top K] [--callers REGEX]',
  );
const units = Number(values.units);
if (!(units > 0))
  throw new Error(`--units ${values.units}: a positive number (the calls or chunks between N and 2N)`);

/** What A's (or B's) second child ran beyond its first, by function, and the calls matching `--callers`. */
interface Extra {
  self: Map<string, number>;
  callers: Map<string, number>;
}

/**
 * The second file's instructions beyond the first's by function. Callgrind files are subtracted address by address
 * and then named with the second file's perf map (src/callgrind.ts); cachegrind files by function (JavaScript as one
 * `???` line).
 */
function extra(first: string, second: string): Extra {
  const [t1, t2] = [readFileSync(first, 'utf8'), readFileSync(second, 'utf8')];
  const callgrind = t1.startsWith('# callgrind format') && t2.startsWith('# callgrind format');
  if (!callgrind) {
    if (values.callers !== undefined)
      throw new Error(`${first}: --callers needs callgrind files (layers.ts --instructions --by-function)`);
    return { self: difference(functionCounts(t2), functionCounts(t1)), callers: new Map() };
  }
  const mapFile = `${second}.map`;
  if (!existsSync(mapFile))
    throw new Error(
      `${mapFile}: missing (layers.ts --by-function keeps each child's perf map beside its output)`,
    );
  const ranges = readPerfMap(readFileSync(mapFile, 'utf8'));
  const [c1, c2] = [callgrindCosts(t1), callgrindCosts(t2)];
  const callers = new Map<string, number>();
  if (values.callers !== undefined) {
    const pattern = new RegExp(values.callers);
    for (const callee of new Set([...c1.calls.keys(), ...c2.calls.keys()])) {
      const calleeName = placeName(callee, ranges);
      if (!pattern.test(calleeName)) continue;
      const byCaller = difference(c2.calls.get(callee) ?? new Map(), c1.calls.get(callee) ?? new Map());
      for (const [caller, count] of named(byCaller, ranges)) {
        const key = `${caller}  →  ${calleeName}`;
        callers.set(key, (callers.get(key) ?? 0) + count);
      }
    }
  }
  return { self: named(difference(c2.self, c1.self), ranges), callers };
}

const [a1, a2, b1, b2] = positionals as [string, string, string, string];
const a = extra(a1, a2);
const b = extra(b1, b2);
const none = new Map<string, number>();
const top = Number(values.top);
const rows = functionDifference(none, a.self, none, b.self, units);
const total = rows.reduce((sum, row) => sum + row.perUnit, 0);
console.log(`instructions per unit, A minus B: ${total.toFixed(0)}`);
for (const row of rows.slice(0, top)) {
  console.log(`${row.perUnit.toFixed(0).padStart(10)}  ${row.fn.slice(0, 160)}`);
}
if (values.callers !== undefined) {
  const calls = functionDifference(none, a.callers, none, b.callers, units);
  console.log(`calls into /${values.callers}/ per unit, A minus B, by caller (callee and all it ran):`);
  for (const row of calls.slice(0, top)) {
    console.log(`${row.perUnit.toFixed(0).padStart(10)}  ${row.fn.slice(0, 200)}`);
  }
}
