// The built package (dist/) that spawned processes load: rebuilt first when src/ is newer.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(packageDir, '..', '..');

function newestSource(): number {
  return Math.max(
    ...readdirSync(join(packageDir, 'src')).map((f) => statSync(join(packageDir, 'src', f)).mtimeMs),
  );
}

export function ensureBuilt(): void {
  for (const dep of ['cost']) {
    if (!existsSync(join(repoDir, 'packages', dep, 'dist', 'index.cjs'))) {
      throw new Error(`packages/${dep}/dist is missing: run \`pnpm build\` before these tests`);
    }
  }
  const built = ['index.mjs', 'index.cjs'].map((f) => join(packageDir, 'dist', f));
  const stale = built.some((f) => !existsSync(f) || statSync(f).mtimeMs < newestSource());
  if (stale) {
    execFileSync('pnpm', ['--filter', '@aiotel/instrumentation-openai', 'build'], {
      cwd: repoDir,
      stdio: 'ignore',
    });
  }
}
