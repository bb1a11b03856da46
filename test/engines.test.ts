// The Node.js ranges users read (the README's table) are the ones pnpm and npm enforce (`engines`), everywhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Manifest {
  readonly file: string;
  readonly private: boolean;
  readonly node: string | undefined;
}

function manifest(dir: string): Manifest {
  const json = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
  return { file: join(dir, 'package.json'), private: json.private === true, node: json.engines?.node };
}

/** Every project of pnpm-workspace.yaml (packages/*, examples/*, bench, test/e2e). */
function workspaceProjects(): Manifest[] {
  const inFolder = (folder: string) =>
    readdirSync(join(ROOT, folder))
      .map((name) => join(folder, name))
      .filter((dir) => existsSync(join(ROOT, dir, 'package.json')));
  return [...inFolder('packages'), ...inFolder('examples'), 'bench', join('test', 'e2e')].map(manifest);
}

/** The `engines` cell of the README's Node.js versions row that starts with `what`, unescaped. */
function readmeRange(what: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith(`| ${what} |`));
  const range = row?.split(/(?<!\\)\|/)[2]?.trim();
  if (range === undefined) throw new Error(`README.md has no Node.js versions row starting with "${what}"`);
  return range.replace(/^`|`$/g, '').replaceAll('\\|', '|');
}

describe('Node.js versions', () => {
  const published = readmeRange('the packages, in your app');
  const workspace = readmeRange('this workspace: install, build, test, demo');

  it('the README gives one range for the packages and one for the workspace', () => {
    expect(published).toBe('>=22.15');
    expect(workspace).toMatch(/^\^22\.\d+\.\d+ \|\| /);
  });

  it("every published package's engines is the packages' range", () => {
    const packages = workspaceProjects().filter((project) => !project.private);
    expect(packages.length).toBeGreaterThan(0);
    for (const project of packages) expect(project.node, project.file).toBe(published);
  });

  it("the root's and every private project's engines is the workspace's range", () => {
    const projects = [manifest('.'), ...workspaceProjects().filter((project) => project.private)];
    for (const project of projects) expect(project.node, project.file).toBe(workspace);
  });

  it('.npmrc makes pnpm refuse another Node.js (engine-strict)', () => {
    const npmrc = readFileSync(join(ROOT, '.npmrc'), 'utf8');
    expect(npmrc.split('\n').map((line) => line.trim())).toContain('engine-strict=true');
  });
});
