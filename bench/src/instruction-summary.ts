/**
 * Where one mode's instructions go beyond another's, by function: from the cachegrind files of
 * `node src/layers.ts --instructions` (bench/.tmp/layers-instructions/, one per child: `PID-MODE-rROUND-CALLS`).
 *   node src/instruction-summary.ts A_N A_2N B_N B_2N --units U [--top K]
 * prints, per unit (U: the calls, or chunks, between N and 2N), the instructions by function of A's extra N calls
 * minus B's, largest differences first. V8's builtins and C++ functions are named; JavaScript that V8 compiled has
 * no symbol and is one line, `???`. Example, ours against contrib per chunk over 20 streams of 500 chunks:
 *   node src/instruction-summary.ts D/P1-instr-r0-20.cachegrind D/P1-instr-r0-40.cachegrind \
 *     D/P2-contrib-r0-20.cachegrind D/P2-contrib-r0-40.cachegrind --units 10000
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { functionCounts, functionDifference } from './cachegrind.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { units: { type: 'string' }, top: { type: 'string', default: '30' } },
});
if (positionals.length !== 4 || values.units === undefined)
  throw new Error('usage: node src/instruction-summary.ts A_N A_2N B_N B_2N --units U [--top K]');
const units = Number(values.units);
if (!(units > 0))
  throw new Error(`--units ${values.units}: a positive number (the calls or chunks between N and 2N)`);
const [a1, a2, b1, b2] = positionals.map((file) => functionCounts(readFileSync(file, 'utf8'))) as [
  Map<string, number>,
  Map<string, number>,
  Map<string, number>,
  Map<string, number>,
];
const rows = functionDifference(a1, a2, b1, b2, units);
const total = rows.reduce((sum, row) => sum + row.perUnit, 0);
console.log(`instructions per unit, A minus B: ${total.toFixed(0)}`);
for (const row of rows.slice(0, Number(values.top))) {
  console.log(`${row.perUnit.toFixed(0).padStart(10)}  ${row.fn.slice(0, 160)}`);
}
