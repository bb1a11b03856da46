import { spawn } from 'node:child_process';
import { SHIPPED } from './paths.js';

/** Absolute paths of the stack's programs. */
export interface StackBinaries {
  otelcol: string;
  jaeger: string;
  prometheus: string;
  promtool: string;
}

/**
 * Runs test/e2e/scripts/install-stack.sh (builds the collector and Jaeger once, cached outside the repo, and
 * installs Prometheus), showing its progress on stderr as it goes, and returns the binaries' paths it prints.
 */
export async function installStack(): Promise<StackBinaries> {
  const child = spawn('bash', [SHIPPED.installScript, 'all'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`install-stack.sh failed with exit code ${code} (its progress is above)`);
  const paths = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.trim().split('='))
      .filter((pair): pair is [string, string] => pair.length === 2 && Boolean(pair[0]) && Boolean(pair[1])),
  );
  for (const name of ['otelcol', 'jaeger', 'prometheus', 'promtool']) {
    if (!paths[name]) throw new Error(`install-stack.sh printed no path for ${name}:\n${stdout}`);
  }
  // Another Prometheus for a comparison run (e.g. Debian's 2.42: /usr/bin/prometheus).
  if (process.env.AIOTEL_E2E_PROMETHEUS) paths.prometheus = process.env.AIOTEL_E2E_PROMETHEUS;
  return paths as unknown as StackBinaries;
}
