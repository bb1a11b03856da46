import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './harness/app.js';
import { ensureBuilt } from './harness/build.js';

/** `name@version` of every node_modules package whose code the bundler put into a built file (its region comments). */
function bundledPackages(file: string): string[] {
  const found = new Set<string>();
  for (const match of readFileSync(file, 'utf8').matchAll(
    /node_modules\/\.pnpm\/((?:@[^+/]+\+)?[^@/]+)@([0-9][^_/]*)/g,
  )) {
    found.add(`${(match[1] ?? '').replace('+', '/')}@${match[2]}`);
  }
  return [...found].sort();
}

describe('THIRD_PARTY_NOTICES.md', () => {
  beforeAll(() => ensureBuilt(), 200_000);

  it('names every package bundled into the built preload, at the version bundled, and is shipped', () => {
    const dist = join(PACKAGE_DIR, 'dist');
    const builds = readdirSync(dist).filter((name) => /^start-.*\.(mjs|cjs)$/.test(name));
    expect(builds).toHaveLength(2);
    const notices = readFileSync(join(PACKAGE_DIR, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    for (const build of builds) {
      const bundled = bundledPackages(join(dist, build));
      expect(bundled, `${build} bundles the OpenTelemetry SDK`).toContain('@opentelemetry/sdk-trace@3.1.1');
      for (const entry of bundled) {
        const at = entry.lastIndexOf('@');
        expect(notices, `${entry} (in ${build})`).toContain(
          `| \`${entry.slice(0, at)}\` | ${entry.slice(at + 1)} |`,
        );
      }
    }
    const files = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).files as string[];
    expect(files).toEqual(expect.arrayContaining(['THIRD_PARTY_NOTICES.md', 'LICENSE']));
  });
});
