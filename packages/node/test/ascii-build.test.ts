// V8 keeps every loaded module's source alive, as a one-byte string when the file is ASCII and two bytes a character
// once it holds one `—` or `…`: in every process the preload runs in, and each full collection marks it again. The
// builds write such characters as escapes (`charset: 'ascii'` in tsdown.base.ts); this holds every built module to it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './harness/app.js';
import { ensureBuilt } from './harness/build.js';

const PACKAGES_DIR = join(PACKAGE_DIR, '..');

/** Every built JavaScript module of the workspace's packages (ESM and CommonJS), as `package/dist/file`. */
function builtModules(): string[] {
  const modules: string[] = [];
  for (const name of readdirSync(PACKAGES_DIR)) {
    let files: string[];
    try {
      files = readdirSync(join(PACKAGES_DIR, name, 'dist'));
    } catch {
      continue; // not a package with a build
    }
    for (const file of files) if (/\.(mjs|cjs|js)$/.test(file)) modules.push(join(name, 'dist', file));
  }
  return modules.sort();
}

/** The first non-ASCII character of a file, with its line, or undefined when it has none. */
function firstNonAscii(text: string): string | undefined {
  const at = text.search(/[\u0080-\uffff]/);
  if (at < 0) return undefined;
  const line = text.slice(0, at).split('\n').length;
  return `line ${line}: ${JSON.stringify(text.slice(Math.max(0, at - 30), at + 10))}`;
}

describe('the built JavaScript', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it("is ASCII in every package's dist, so V8 keeps each module's source at one byte a character", () => {
    const modules = builtModules();
    // The preload and what it loads are among them (a build that moved its output would leave nothing to check).
    expect(modules).toEqual(
      expect.arrayContaining([
        join('node', 'dist', 'register.mjs'),
        join('instrumentation-openai', 'dist', 'index.mjs'),
        join('cost', 'dist', 'index.cjs'),
      ]),
    );
    const offending = modules
      .map((module) => [module, firstNonAscii(readFileSync(join(PACKAGES_DIR, module), 'utf8'))])
      .filter(([, found]) => found !== undefined);
    // A dist built before tsdown.base.ts asked for ASCII fails here too: `pnpm build` makes it again.
    expect(offending, 'non-ASCII in built JavaScript (a stale dist? run `pnpm build`)').toEqual([]);
  });
});
