import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize } from '../src/heap-summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'heap-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real snapshot of a Node process that imports `pkg-a` (with `load`) or not. */
function snapshot(name: string, load: boolean): string {
  const file = join(dir, `${name}.heapsnapshot`);
  const main = join(dir, `${name}.mjs`);
  writeFileSync(
    main,
    `${load ? "import { keep } from './node_modules/pkg-a/index.mjs'; globalThis.kept = keep();" : ''}
     import { writeHeapSnapshot } from 'node:v8';
     writeHeapSnapshot(${JSON.stringify(file)});`,
  );
  const run = spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).toBe('');
  return file;
}

describe('heap-summary', () => {
  it("attributes a package's source and functions to it, and objects to their constructor", () => {
    mkdirSync(join(dir, 'node_modules', 'pkg-a'), { recursive: true });
    // 200 KB of source (a comment is part of it) and 20,000 live objects of one class.
    writeFileSync(
      join(dir, 'node_modules', 'pkg-a', 'index.mjs'),
      `/* ${'x'.repeat(200_000)} */
       class Marker { constructor(i) { this.i = i; } }
       export function keep() { return Array.from({ length: 20000 }, (_, i) => new Marker(i)); }`,
    );
    const withA = summarize(snapshot('with', true));
    const without = summarize(snapshot('without', false));
    expect(withA.get('pkg-a (source)')).toBeGreaterThan(200_000);
    expect(without.get('pkg-a (source)')).toBeUndefined();
    expect(withA.get('pkg-a (functions)')).toBeGreaterThan(0);
    expect(withA.get('object Marker')).toBeGreaterThan(20_000 * 12);
    expect(without.get('object Marker')).toBeUndefined();
  });
});
