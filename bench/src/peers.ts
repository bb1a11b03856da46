import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './runtime.ts';

/**
 * Makes sure bench/peers/<name> is installed from its committed lockfile (`npm ci`; peers live outside the
 * pnpm workspace because they bring other OpenTelemetry versions). Returns an error message instead of
 * throwing, so a peer that cannot install leaves its variants out of the run, said so in the results.
 */
export function ensurePeer(name: string): string | undefined {
  const dir = join(BENCH_DIR, 'peers', name);
  const lock = join(dir, 'package-lock.json');
  if (!existsSync(lock)) return `bench/peers/${name}/package-lock.json is missing`;
  const installed = join(dir, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return undefined;
  console.log(`bench: installing peer ${name} (npm ci in bench/peers/${name})`);
  const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (run.error) return `npm ci in bench/peers/${name} failed: ${run.error.message}`;
  if (run.status !== 0) return `npm ci in bench/peers/${name} exited with ${run.status}`;
  return undefined;
}
