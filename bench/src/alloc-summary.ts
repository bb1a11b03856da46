/**
 * Reads V8 sampling heap profiles (`.heapprofile`, from `node src/layers.ts --alloc`) and prints what the measured
 * calls allocated per call, by package and by function (a built-in such as `WeakSet` or `entries` is named with
 * its caller). With `--base FILE` (the floor's profile of the same work) it prints the differences instead: what a
 * layer allocates per call, the garbage its scavenges then collect.
 * A profile from `layers.ts --promoted` holds only what outlived the young generation: the same figures then say what
 * each call left for the scavenges to copy and the major GCs to collect (`--promoted` words the report so).
 * Usage: node src/alloc-summary.ts FILE [--base FILE] [--calls N] [--top N] [--promoted]
 * `--calls` is the number of measured calls (default 5000, the layer tool's; streams: streams × 500 for per chunk).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { packageOf } from './package-of.ts';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

interface Totals {
  bytes: number;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
}

function add(map: Map<string, number>, key: string, bytes: number): void {
  map.set(key, (map.get(key) ?? 0) + bytes);
}

function load(file: string): Totals {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const totals: Totals = { bytes: 0, byPackage: new Map(), byFunction: new Map() };
  const walk = (node: HeapNode, caller: string, callerUrl: string): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'}  ${url.replace(/^.*\/node_modules\//, '')}${url ? `:${lineNumber + 1}` : ''}`;
    // Built-ins have no script: their caller says whose allocation it is.
    const key = url === '' && caller !== '' ? `${name} ← ${caller}` : name;
    totals.bytes += node.selfSize;
    add(totals.byPackage, url === '' ? `(native) ← ${packageOf(callerUrl)}` : packageOf(url), node.selfSize);
    add(totals.byFunction, key, node.selfSize);
    for (const child of node.children) {
      walk(child, url === '' ? caller : name, url === '' ? callerUrl : url);
    }
  };
  walk(head, '', '');
  return totals;
}

function print(title: string, entries: [string, number][], calls: number, top: number): void {
  console.log(`\n${title}:`);
  for (const [key, bytes] of entries.slice(0, top)) {
    console.log(`  ${(bytes / calls).toFixed(0).padStart(7)} B  ${key}`);
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      calls: { type: 'string' },
      top: { type: 'string' },
      promoted: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file)
    throw new Error('usage: node src/alloc-summary.ts FILE [--base FILE] [--calls N] [--top N] [--promoted]');
  const what = values.promoted ? 'kept past the young generation' : 'allocated';
  const calls = Number(values.calls ?? 5000);
  const top = Number(values.top ?? 30);
  const run = load(file);
  const base = values.base ? load(values.base) : undefined;
  const minus = (ours: Map<string, number>, theirs: Map<string, number> | undefined): [string, number][] =>
    [...new Set([...ours.keys(), ...(theirs?.keys() ?? [])])]
      .map((key): [string, number] => [key, (ours.get(key) ?? 0) - (theirs?.get(key) ?? 0)])
      .sort((a, b) => b[1] - a[1]);
  const per = (bytes: number) => (bytes / calls).toFixed(0);
  console.log(
    base
      ? `${file}: ${per(run.bytes)} B ${what} per call, base ${per(base.bytes)}: difference ${per(run.bytes - base.bytes)}`
      : `${file}: ${per(run.bytes)} B ${what} per call`,
  );
  print(`by package${base ? ', minus the base' : ''}`, minus(run.byPackage, base?.byPackage), calls, top);
  print(
    `top ${top} functions${base ? ', minus the base' : ''}`,
    minus(run.byFunction, base?.byFunction),
    calls,
    top,
  );
}

main();
