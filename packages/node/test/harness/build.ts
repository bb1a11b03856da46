import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_DIR } from './app.js';

const PACKAGES_DIR = join(PACKAGE_DIR, '..');
/** The packages the spawned apps load from dist/ (resilience: a fixture and the packed app), with the files that must exist. */
const BUILT: Readonly<Record<string, readonly string[]>> = {
  node: ['register.mjs', 'register.cjs', 'index.mjs', 'index.cjs'],
  'instrumentation-openai': ['index.mjs', 'index.cjs', 'genai.mjs', 'genai.cjs'],
  'genai-core': ['index.mjs', 'index.cjs'],
  'aggregating-meter-provider': ['index.mjs', 'index.cjs'],
  'instrumentation-anthropic': ['index.mjs', 'index.cjs'],
  cost: ['index.mjs', 'index.cjs'],
  resilience: ['index.mjs', 'index.cjs'],
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * What is missing, or (for @aiotel/node itself) older than its sources, as `package/dist/file` names; empty when
 * all is built. The dependencies are only required to exist: their owners may be editing them while these run.
 */
export function staleBuilds(): string[] {
  const stale: string[] = [];
  for (const [name, files] of Object.entries(BUILT)) {
    const sources = name === 'node' ? newestMtime(join(PACKAGES_DIR, name, 'src')) : 1;
    for (const file of files) {
      const path = join(PACKAGES_DIR, name, 'dist', file);
      let built = 0;
      try {
        built = statSync(path).mtimeMs;
      } catch {
        // Missing: reported as stale.
      }
      if (built < sources) stale.push(`${name}/dist/${file}`);
    }
  }
  return stale;
}

/**
 * How to run pnpm: the pnpm that runs these tests (`npx -y pnpm@… test` puts none on PATH), else `pnpm` from PATH.
 */
export function pnpmCommand(): [string, string[]] {
  const pnpm = process.env.npm_execpath;
  return pnpm && /pnpm\.c?js$/.test(pnpm) ? [process.execPath, [pnpm]] : ['pnpm', []];
}

/**
 * The spawned apps run the built packages (that is what users run). Builds them (`pnpm --filter @aiotel/node...
 * build`, one test file at a time) when missing or stale; fails with the command to run when that does not work.
 */
export function ensureBuilt(): void {
  if (staleBuilds().length === 0) return;
  const lock = join(
    tmpdir(),
    `aiotel-node-build-${Buffer.from(PACKAGES_DIR).toString('hex').slice(-32)}.lock`,
  );
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a crashed run (builds take seconds, not minutes) is taken over.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited too long for another build (lock ${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (staleBuilds().length === 0) return;
    const [command, args] = pnpmCommand();
    try {
      execFileSync(command, [...args, '--filter', '@aiotel/node...', 'build'], {
        cwd: PACKAGE_DIR,
        stdio: 'pipe',
        timeout: 170_000,
      });
    } catch (error) {
      const output = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
      throw new Error(`building failed; run \`pnpm build\` and retry. ${output.slice(-2000)}`);
    }
    const still = staleBuilds();
    if (still.length > 0) throw new Error(`run \`pnpm build\` first; missing or stale: ${still.join(', ')}`);
  } finally {
    rmdirSync(lock);
  }
}
