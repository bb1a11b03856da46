/**
 * Reads V8 .cpuprofile files (from `bench --profile ID`, i.e. node --cpu-prof) and prints where the time
 * went: self time by package (ours, each node_modules package, Node internals, GC) and the top functions
 * by self time with file and line. With `--base FILE` (the floor's profile of the same work) it prints the
 * differences instead, which is where an overhead lives. With `--by-name` a function is keyed by its name and package
 * instead of its file and line: for two processes that run other builds (ESM, CommonJS) or versions of the same
 * libraries, such as ours against a peer's own OTel SDK, whose same functions would otherwise never match.
 * Usage: node src/profile-summary.ts FILE [--base FILE] [--top N] [--by-name]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { packageOf } from './package-of.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Totals {
  busyUs: number;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
}

/** How a sampled frame is named in the by-function table: file and line, or (`byName`) name and package. */
export function functionKey(frame: ProfileNode['callFrame'], byName: boolean): string {
  const name = frame.functionName || '(anonymous)';
  if (byName) return frame.url ? `${name}  ${packageOf(frame.url)}` : name;
  const where = frame.url
    ? `${frame.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '')}:${frame.lineNumber + 1}`
    : '';
  return `${name}  ${where}`;
}

function load(file: string, byName: boolean): Totals {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals: Totals = { busyUs: 0, byPackage: new Map(), byFunction: new Map() };
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    totals.busyUs += us;
    const pkg = frame.functionName === '(garbage collector)' ? '(garbage collector)' : packageOf(frame.url);
    totals.byPackage.set(pkg, (totals.byPackage.get(pkg) ?? 0) + us);
    const key = functionKey(frame, byName);
    totals.byFunction.set(key, (totals.byFunction.get(key) ?? 0) + us);
  });
  return totals;
}

function diff(a: Map<string, number>, b: Map<string, number> | undefined): Array<[string, number]> {
  const keys = new Set([...a.keys(), ...(b?.keys() ?? [])]);
  return [...keys].map((k) => [k, (a.get(k) ?? 0) - (b?.get(k) ?? 0)] as [string, number]);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string' }, base: { type: 'string' }, 'by-name': { type: 'boolean' } },
  });
  const file = positionals[0];
  if (!file)
    throw new Error('usage: node src/profile-summary.ts FILE.cpuprofile [--base FILE] [--top N] [--by-name]');
  const byName = values['by-name'] === true;
  const top = Number(values.top ?? 30);
  const t = load(file, byName);
  const base = values.base ? load(values.base, byName) : undefined;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(
    base
      ? `${file}: ${ms(t.busyUs)} busy, base ${ms(base.busyUs)}: difference ${ms(t.busyUs - base.busyUs)}\n`
      : `${file}: ${ms(t.busyUs)} busy\n`,
  );
  console.log(base ? 'self time by package, minus the base:' : 'self time by package:');
  for (const [pkg, us] of diff(t.byPackage, base?.byPackage)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 25)) {
    console.log(`  ${ms(us)}  ${pkg}`);
  }
  console.log(`\ntop ${top} functions by self time${base ? ', minus the base' : ''}:`);
  for (const [fn, us] of diff(t.byFunction, base?.byFunction)
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    console.log(`  ${ms(us)}  ${fn}`);
  }
}

if (import.meta.main) main();
