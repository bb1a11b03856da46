/**
 * Instructions by JavaScript function: valgrind's callgrind records every instruction's address
 * (`--dump-instr=yes`), and V8's `--perf-basic-prof` writes where it put each function's machine code
 * (`/tmp/perf-PID.map`: `start size JS:<tier>name file:line:col`), so the code cachegrind can only call `???` gets its
 * function's name. `layers.ts --instructions --by-function` runs its children so; `instruction-summary.ts` reads the
 * pair of files (`X.callgrind` and `X.callgrind.map`).
 *
 * V8 frees code (a function's baseline code once it is optimized, code of deoptimized functions) and puts other code
 * at the same addresses later; the map then has two entries there. So costs are kept by address, two children's are
 * subtracted address by address (what both ran before the window cancels, wherever V8 later put other code), and
 * only the difference is named, with the later child's map, the entry written last at an address winning. Code
 * freed and replaced inside the window is still given to the later function; code V8 makes without a map entry
 * (inline caches' handlers, regular expressions) is `JIT (unnamed)`.
 */
import { packageOf } from './package-of.ts';

/** V8's perf-map tier markers: interpreted (its trampoline), Sparkplug, Maglev, TurboFan. */
const TIERS: Record<string, string> = { '~': 'interpreted', '^': 'baseline', '+': 'maglev', '*': 'turbofan' };

/** One function's machine code in a perf map. */
interface CodeRange {
  start: number;
  end: number;
  name: string;
}

/**
 * A perf map's ranges, the later of two at one start kept, sorted by start. Names become `fn (package) [tier]`:
 * the same function in two processes has the same name, whatever its addresses.
 */
export function readPerfMap(text: string): CodeRange[] {
  const byStart = new Map<number, CodeRange>();
  for (const line of text.split('\n')) {
    const first = line.indexOf(' ');
    const second = line.indexOf(' ', first + 1);
    if (first < 0 || second < 0) continue;
    const start = Number.parseInt(line.slice(0, first), 16);
    const size = Number.parseInt(line.slice(first + 1, second), 16);
    if (!Number.isFinite(start) || !Number.isFinite(size)) continue;
    byStart.set(start, { start, end: start + size, name: jsName(line.slice(second + 1)) });
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** `JS:*'next file:///…/node_modules/openai/core/streaming.mjs:12:3` → `next (openai) [turbofan]`. */
export function jsName(entry: string): string {
  if (!entry.startsWith('JS:')) return entry;
  let rest = entry.slice(3);
  const tier = TIERS[rest[0] ?? ''];
  if (tier !== undefined) rest = rest.slice(1);
  // V8 marks some code kinds with a quote after the tier (context-specialized or OSR code): not part of the name.
  if (rest.startsWith("'")) rest = rest.slice(1);
  const space = rest.lastIndexOf(' ');
  const name = (space < 0 ? rest : rest.slice(0, space)) || '(anonymous)';
  const where = space < 0 ? '' : rest.slice(space + 1).replace(/:\d+:\d+$/, '');
  return `${name} (${packageOf(where)})${tier !== undefined ? ` [${tier}]` : ''}`;
}

function lookup(ranges: readonly CodeRange[], address: number): string {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.start <= address) lo = mid + 1;
    else hi = mid - 1;
  }
  const range = ranges[hi];
  return range !== undefined && address < range.end ? range.name : 'JIT (unnamed)';
}

/**
 * A callgrind output's instructions by where they ran: a function's symbol (builtins, C++), or for V8's code
 * without one `jit@ADDRESS`, each instruction's own address (named later, see {@link named}).
 */
export interface Costs {
  /** Instructions executed in each place's own code. */
  self: Map<string, number>;
  /** Instructions of calls (the callee and all it ran), by callee, then by the calling place. */
  calls: Map<string, Map<string, number>>;
}

/**
 * Reads a callgrind output made with `--dump-instr=yes` (positions `instr line`, one event, `Ir`). Code without a
 * symbol in no file (object `???`) is V8's, kept by instruction address; code without a symbol in a shared library
 * has an address relative to that library and keeps the name callgrind gave it.
 */
export function callgrindCosts(text: string): Costs {
  const self = new Map<string, number>();
  const calls = new Map<string, Map<string, number>>();
  const names = new Map<string, string>();
  const objects = new Map<string, string>();
  // `fn=(id) name` defines a compressed name, `fn=(id)` refers to it (objects have their own table).
  const nameOf = (spec: string, table = names): string => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (match === null) return spec;
    if (match[2] !== undefined) table.set(match[1]!, match[2]);
    return table.get(match[1]!) ?? spec;
  };
  let object = '';
  let calleeObject: string | undefined;
  let fn = '';
  let jit = false;
  let callee: string | undefined;
  // Set by `calls=`: the next cost line is a call's, not the function's own.
  let callLine = false;
  let address = 0;
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  for (const line of text.split('\n')) {
    const c = line.charCodeAt(0);
    // A cost line: `0xADDR line Ir`, `+N …`, `-N …` or `* …` (the address relative to the last one).
    if (c === 48 || c === 43 || c === 45 || c === 42) {
      const parts = line.split(' ');
      const position = parts[0]!;
      if (position.startsWith('0x')) address = Number.parseInt(position, 16);
      else if (position !== '*') address += Number(position);
      const isCall = callLine;
      callLine = false;
      const count = Number(parts[parts.length - 1]);
      if (parts.length < 3 || !Number.isFinite(count)) continue;
      const where = jit ? `jit@${address}` : fn;
      if (isCall && callee !== undefined) {
        let byCaller = calls.get(callee);
        if (byCaller === undefined) {
          byCaller = new Map();
          calls.set(callee, byCaller);
        }
        add(byCaller, where, count);
      } else {
        add(self, where, count);
      }
    } else if (line.startsWith('ob=')) {
      object = nameOf(line.slice(3), objects);
    } else if (line.startsWith('cob=')) {
      calleeObject = nameOf(line.slice(4), objects);
    } else if (line.startsWith('fn=')) {
      fn = nameOf(line.slice(3));
      jit = object === '???' && fn.startsWith('0x');
      calleeObject = undefined;
    } else if (line.startsWith('cfn=')) {
      const name = nameOf(line.slice(4));
      const jitCallee = (calleeObject ?? object) === '???' && name.startsWith('0x');
      callee = jitCallee ? `jit@${Number.parseInt(name, 16)}` : name;
      calleeObject = undefined;
    } else if (line.startsWith('calls=')) {
      callLine = true;
    }
  }
  return { self, calls };
}

/** `later − earlier`, place by place (the instructions of what a child ran beyond another's). */
export function difference(
  later: ReadonlyMap<string, number>,
  earlier: ReadonlyMap<string, number>,
): Map<string, number> {
  const out = new Map(later);
  for (const [key, n] of earlier) out.set(key, (out.get(key) ?? 0) - n);
  return out;
}

/**
 * Places named: `jit@ADDRESS` by the perf map's function there, symbols as they are. Name a difference of two
 * children's costs with the later child's map: what ran before the difference's window ran at the same addresses
 * in both and cancelled, address by address, whatever V8 put at those addresses afterwards.
 */
export function named(costs: ReadonlyMap<string, number>, ranges: readonly CodeRange[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of costs) {
    const name = placeName(key, ranges);
    out.set(name, (out.get(name) ?? 0) + n);
  }
  return out;
}

/** A place's name (see {@link named}). */
export function placeName(key: string, ranges: readonly CodeRange[]): string {
  return key.startsWith('jit@') ? lookup(ranges, Number(key.slice(4))) : key;
}
