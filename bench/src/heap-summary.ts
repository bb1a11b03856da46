/**
 * What one process keeps alive that another does not: two V8 heap snapshots (e.g. from layers.ts with
 * BENCH_HEAP_SNAPSHOT=DIR, modes `instr` and `contrib`), their self sizes summed by kind of object and by the
 * package whose script holds them (functions, their bytecode and code, script sources), largest differences first.
 *   node src/heap-summary.ts A.heapsnapshot B.heapsnapshot [--top N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { packageOf } from './package-of.ts';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Bytes by key: `type name` for objects, `script PACKAGE` for what belongs to a script. */
export function summarize(file: string): Map<string, number> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { meta } = snap.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const edgeNameAt = meta.edge_fields.indexOf('name_or_index');
  const edgeToAt = meta.edge_fields.indexOf('to_node');
  const { nodes, edges, strings } = snap;
  const count = nodes.length / nf;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * nf + edgeCountAt]! * ef;
  }
  firstEdge[count] = edges.length;
  const edgeTo = (i: number, label: string): number | undefined => {
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += ef) {
      const kind = edgeTypes[edges[e + edgeTypeAt]!];
      if ((kind === 'internal' || kind === 'property') && strings[edges[e + edgeNameAt]!] === label)
        return edges[e + edgeToAt]! / nf;
    }
    return undefined;
  };
  // Script of each SharedFunctionInfo, then of each closure, bytecode and code through it.
  const scriptName = new Map<number, string>();
  const sharedScript = (shared: number): string | undefined => {
    const script = edgeTo(shared, 'script');
    if (script === undefined) return undefined;
    let name = scriptName.get(script);
    if (name === undefined) {
      const source = edgeTo(script, 'name');
      name = packageOf(source === undefined ? '' : strings[nodes[source * nf + nameAt]!]!);
      scriptName.set(script, name);
    }
    return name;
  };
  // Nodes that belong to a script's package: its functions, their shared infos, and the script's source.
  const owner = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    const type = types[nodes[i * nf + typeAt]!]!;
    if (type === 'closure') {
      const shared = edgeTo(i, 'shared');
      const pkg = shared === undefined ? undefined : sharedScript(shared);
      if (pkg !== undefined) {
        owner.set(i, pkg);
        owner.set(shared!, pkg);
      }
    } else if (type === 'code' && strings[nodes[i * nf + nameAt]!] !== 'system / Script') {
      const pkg = sharedScript(i);
      if (pkg !== undefined) owner.set(i, pkg);
    }
  }
  for (const [script, pkg] of scriptName) {
    const source = edgeTo(script, 'source');
    if (source !== undefined) owner.set(source, pkg);
  }
  const out = new Map<string, number>();
  const add = (key: string, bytes: number) => out.set(key, (out.get(key) ?? 0) + bytes);
  for (let i = 0; i < count; i++) {
    const type = types[nodes[i * nf + typeAt]!]!;
    const name = strings[nodes[i * nf + nameAt]!]!;
    const size = nodes[i * nf + sizeAt]!;
    const pkg = owner.get(i);
    if (pkg !== undefined) add(`${pkg} (${type === 'string' ? 'source' : 'functions'})`, size);
    else add(type === 'object' || type === 'native' ? `${type} ${name}` : type, size);
  }
  return out;
}

function main(): void {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  if (positionals.length !== 2)
    throw new Error('usage: node src/heap-summary.ts A.heapsnapshot B.heapsnapshot');
  const [a, b] = positionals.map(summarize) as [Map<string, number>, Map<string, number>];
  const total = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
  console.log(`A ${(total(a) / 1e6).toFixed(2)} MB, B ${(total(b) / 1e6).toFixed(2)} MB (self sizes)`);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const rows = keys
    .map((k) => ({ k, a: a.get(k) ?? 0, b: b.get(k) ?? 0 }))
    .sort((x, y) => Math.abs(y.a - y.b) - Math.abs(x.a - x.b))
    .slice(0, Number(values.top ?? 40));
  for (const r of rows) {
    console.log(
      `${((r.a - r.b) / 1e3).toFixed(1).padStart(9)} KB  ${(r.a / 1e3).toFixed(1).padStart(9)} ${(r.b / 1e3).toFixed(1).padStart(9)}  ${r.k}`,
    );
  }
}

if (import.meta.main) main();
